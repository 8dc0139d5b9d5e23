package org.mailforge.infrastructure.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 * MX resolution against a real (tiny) authoritative DNS server on 127.0.0.1 over UDP, the way
 * SMTP_DNS_SERVER points the server at one; nothing leaves the machine.
 */
class MxResolverTest {

    private static DatagramSocket socket;
    private static MxResolver resolver;
    private static Map<String, List<Record>> zone;

    @BeforeAll
    static void startDns() throws Exception {
        zone = Map.of(
                "multi.test.", List.of(mx("multi.test.", 20, "mx2.multi.test."), mx("multi.test.", 10, "mx1.multi.test.")),
                "mx1.multi.test.", List.of(a("mx1.multi.test.", "127.0.0.11")),
                "mx2.multi.test.", List.of(a("mx2.multi.test.", "127.0.0.12")),
                "plain.test.", List.of(a("plain.test.", "127.0.0.13")),
                "nullmx.test.", List.of(mx("nullmx.test.", 0, ".")));
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        Thread server = new Thread(MxResolverTest::serve, "test-dns");
        server.setDaemon(true);
        server.start();
        resolver = new MxResolver("127.0.0.1:" + socket.getLocalPort(), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopDns() {
        socket.close();
    }

    @Test
    void mxHostsComeInPreferenceOrder() throws Exception {
        List<MxResolver.Destination> destinations = resolver.destinations("Multi.Test");
        assertEquals(List.of("mx1.multi.test", "mx2.multi.test"), destinations.stream().map(MxResolver.Destination::host).toList());
        assertEquals("127.0.0.11", destinations.get(0).address().getHostAddress());
    }

    @Test
    void withoutMxTheDomainItselfIsTheMailHost() throws Exception {
        List<MxResolver.Destination> destinations = resolver.destinations("plain.test");
        assertEquals(1, destinations.size());
        assertEquals("127.0.0.13", destinations.get(0).address().getHostAddress());
    }

    @Test
    void aNullMxAndAMissingDomainArePermanent() {
        MxResolver.NoMailDomainException nullMx = assertThrows(MxResolver.NoMailDomainException.class,
                () -> resolver.destinations("nullmx.test"));
        assertTrue(nullMx.nullMx());
        MxResolver.NoMailDomainException missing = assertThrows(MxResolver.NoMailDomainException.class,
                () -> resolver.destinations("missing.test"));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    }

    private static void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.getHeader().setFlag(Flags.AA);
                response.addRecord(question, Section.QUESTION);
                List<Record> records = zone.get(question.getName().toString().toLowerCase());
                if (records == null) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    records.stream().filter(r -> r.getType() == question.getType())
                            .forEach(r -> response.addRecord(r, Section.ANSWER));
                }
                byte[] wire = response.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (Exception e) {
                // closed, or a query this tiny server does not understand
            }
        }
    }

    private static Record mx(String name, int priority, String target) throws Exception {
        return new MXRecord(Name.fromString(name), DClass.IN, 60, priority, Name.fromString(target));
    }

    private static Record a(String name, String address) throws Exception {
        return new ARecord(Name.fromString(name), DClass.IN, 60, InetAddress.getByName(address));
    }
}
