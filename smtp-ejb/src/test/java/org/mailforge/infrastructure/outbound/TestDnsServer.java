package org.mailforge.infrastructure.outbound;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * An authoritative DNS server for a fixed zone, over UDP on 127.0.0.1, so MX lookups are tested
 * for real without a query leaving the machine. Shared with the integration tests (test-jar).
 */
public final class TestDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<String, List<Record>> zone;
    private final java.util.Set<Integer> refused;
    /** Questions (owner name with the trailing dot, lower case; type) answered SERVFAIL, as a resolver does when the zone's servers time out. */
    private final java.util.function.BiPredicate<String, Integer> failing;
    private final java.util.concurrent.atomic.AtomicInteger questions = new java.util.concurrent.atomic.AtomicInteger();

    /** Questions answered so far. */
    public int questions() {
        return questions.get();
    }

    /** @param zone records by owner name with the trailing dot, lower case */
    public TestDnsServer(Map<String, List<Record>> zone) throws java.io.IOException {
        this(zone, java.util.Set.of());
    }

    /** @param refused record types asked for which the answer is REFUSED (as dnsmasq without upstream answers type 99) */
    public TestDnsServer(Map<String, List<Record>> zone, java.util.Set<Integer> refused) throws java.io.IOException {
        this(zone, refused, (name, type) -> false);
    }

    /** @param failing the questions answered SERVFAIL (by owner name with the trailing dot, lower case, and type) */
    public TestDnsServer(Map<String, List<Record>> zone, java.util.Set<Integer> refused,
            java.util.function.BiPredicate<String, Integer> failing) throws java.io.IOException {
        this.zone = new java.util.concurrent.ConcurrentHashMap<>();
        zone.forEach((name, records) -> this.zone.put(name, new java.util.concurrent.CopyOnWriteArrayList<>(records)));
        this.refused = java.util.Set.copyOf(refused);
        this.failing = failing;
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread server = new Thread(this::serve, "test-dns");
        server.setDaemon(true);
        server.start();
    }

    /** A zone built one record at a time (names without the trailing dot), then served. */
    public static Zone zone() {
        return new Zone();
    }

    public static final class Zone {
        private final Map<String, List<Record>> records = new java.util.HashMap<>();
        private final java.util.Set<Integer> refused = new java.util.HashSet<>();

        private Zone() {
        }

        public Zone add(Record record) {
            records.computeIfAbsent(record.getName().toString().toLowerCase(Locale.ROOT), n -> new java.util.ArrayList<>()).add(record);
            return this;
        }

        public Zone txt(String name, String text) throws java.io.IOException {
            return add(TestDnsServer.txt(name + ".", text));
        }

        public Zone a(String name, String address) throws java.io.IOException {
            return add(TestDnsServer.a(name + ".", address));
        }

        public Zone mx(String name, int priority, String target) throws java.io.IOException {
            return add(TestDnsServer.mx(name + ".", priority, target + "."));
        }

        /** Questions for this record type are answered REFUSED. */
        public Zone refusing(int type) {
            refused.add(type);
            return this;
        }

        public TestDnsServer serve() throws java.io.IOException {
            return new TestDnsServer(records, refused);
        }
    }

    /** {@code 127.0.0.1:<port>}, as SMTP_DNS_SERVER takes it. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    public static Record mx(String name, int priority, String target) throws java.io.IOException {
        return new MXRecord(Name.fromString(name), DClass.IN, 60, priority, Name.fromString(target));
    }

    /** A TXT record; text longer than a DNS string (255 octets) is split into several, as zone files do. */
    public static Record txt(String name, String text) throws java.io.IOException {
        List<String> strings = new java.util.ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        return new org.xbill.DNS.TXTRecord(Name.fromString(name), DClass.IN, 60, strings.isEmpty() ? List.of("") : strings);
    }

    public static Record aaaa(String name, String address) throws java.io.IOException {
        return new org.xbill.DNS.AAAARecord(Name.fromString(name), DClass.IN, 60, InetAddress.getByName(address));
    }

    public static Record ptr(String name, String target) throws java.io.IOException {
        return new org.xbill.DNS.PTRRecord(Name.fromString(name), DClass.IN, 60, Name.fromString(target));
    }

    public static Record a(String name, String address) throws java.io.IOException {
        return new ARecord(Name.fromString(name), DClass.IN, 60, InetAddress.getByName(address));
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                questions.incrementAndGet();
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.getHeader().setFlag(Flags.AA);
                response.addRecord(question, Section.QUESTION);
                String owner = question.getName().toString().toLowerCase(Locale.ROOT);
                List<Record> records = zone.get(owner);
                if (refused.contains(question.getType())) {
                    response.getHeader().setRcode(Rcode.REFUSED);
                } else if (failing.test(owner, question.getType())) {
                    response.getHeader().setRcode(Rcode.SERVFAIL);
                } else if (records == null) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    answer(response, records, question.getType());
                }
                byte[] wire = response.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (Exception e) {
                // closed, or a query this tiny server does not understand
            }
        }
    }

    /** The records of the type asked for; a name that is an alias answers with its CNAME and the target's records, as servers do. */
    private void answer(Message response, List<Record> records, int type) {
        for (Record record : records) {
            if (record.getType() == type) {
                response.addRecord(record, Section.ANSWER);
            } else if (record instanceof org.xbill.DNS.CNAMERecord alias && type != org.xbill.DNS.Type.CNAME) {
                response.addRecord(record, Section.ANSWER);
                zone.getOrDefault(alias.getTarget().toString().toLowerCase(Locale.ROOT), List.of()).stream()
                        .filter(target -> target.getType() == type).forEach(target -> response.addRecord(target, Section.ANSWER));
            }
        }
    }

    /** Publishes one more record while the server runs. */
    public void add(Record record) {
        zone.computeIfAbsent(record.getName().toString().toLowerCase(Locale.ROOT), name -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(record);
    }

    @Override
    public void close() {
        socket.close();
    }
}
