package org.mailforge.infrastructure.outbound;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mailforge.smtp.spi.Domains;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Where mail for a domain goes (RFC 5321 section 5.1): its MX hosts by preference (equal
 * preferences in random order), or the domain's own address when it has no MX; a null MX
 * (RFC 7505) means the domain takes no mail. Queries go to SMTP_DNS_SERVER, or to the validating
 * resolver of SMTP_DANE_RESOLVER, whose answers say whether DNSSEC validated them: a destination
 * is secure when its MX records and its address records both are (RFC 7672 2.2.1, 2.2.2).
 */
public final class MxResolver {

    /**
     * A host to try, in order.
     *
     * @param secure whether the MX records naming the host and the host's address records were DNSSEC-validated
     */
    public record Destination(String host, InetAddress address, boolean secure) {

        public Destination(String host, InetAddress address) {
            this(host, address, false);
        }
    }

    /** The domain does not exist or accepts no mail: a permanent failure. */
    public static final class NoMailDomainException extends Exception {
        private final boolean nullMx;

        NoMailDomainException(String message, boolean nullMx) {
            super(message);
            this.nullMx = nullMx;
        }

        public boolean nullMx() {
            return nullMx;
        }
    }

    /** DNS did not answer conclusively now: try later. */
    public static final class DnsTemporaryException extends Exception {
        DnsTemporaryException(String message) {
            super(message);
        }
    }

    private final DeliveryDns dns;
    private final Duration timeout;

    /**
     * @param server {@code host} or {@code host:port} of the resolver to ask, or null for the system's
     */
    public MxResolver(String server, Duration timeout) {
        this(DeliveryDns.plain(server, capped(timeout)), timeout);
    }

    MxResolver(DeliveryDns dns, Duration timeout) {
        this.dns = dns;
        this.timeout = capped(timeout);
    }

    private static Duration capped(Duration timeout) {
        return timeout.compareTo(MAX_QUERY_TIME) > 0 ? MAX_QUERY_TIME : timeout;
    }

    /** One DNS question waits at most this (SMTP_OUTBOUND_TIMEOUT_SECONDS is for SMTP replies, 300 s by default). */
    static final Duration MAX_QUERY_TIME = Duration.ofSeconds(10);
    /** MX hosts whose addresses are looked up at most: a zone of hundreds of MX records on dead name servers must not hold a worker. */
    static final int MAX_MX_HOSTS = 10;

    public List<Destination> destinations(String domain) throws NoMailDomainException, DnsTemporaryException {
        return destinations(domain, Long.MAX_VALUE);
    }

    /**
     * The addresses to try for the domain, in preference order; no further MX host is looked up
     * once {@code deadlineNanos} ({@link System#nanoTime()}) has passed.
     */
    public List<Destination> destinations(String domain, long deadlineNanos) throws NoMailDomainException, DnsTemporaryException {
        Name name = absolute(Domains.ascii(domain));
        DeliveryDns.Answer mx = ask(name, Type.MX, deadlineNanos);
        if (mx.found()) {
            List<MXRecord> records = new ArrayList<>(mx.records().stream().map(MXRecord.class::cast).toList());
            if (records.size() == 1 && records.get(0).getTarget().equals(Name.root)) {
                throw new NoMailDomainException(domain + " accepts no mail (null MX)", true);
            }
            Collections.shuffle(records);
            records.sort(Comparator.comparingInt(MXRecord::getPriority));
            Map<String, Destination> destinations = new LinkedHashMap<>();
            DnsTemporaryException lastProblem = null;
            for (MXRecord record : records.subList(0, Math.min(records.size(), MAX_MX_HOSTS))) {
                if (destinations.size() >= org.mailforge.application.config.OutboundConfiguration.MAX_ADDRESSES_PER_ATTEMPT
                        || deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos >= 0) {
                    break; // an attempt tries no more than these, and not past its deadline: the rest is work for nothing
                }
                try {
                    Addresses addresses = addresses(record.getTarget(), deadlineNanos);
                    for (InetAddress address : addresses.list()) {
                        destinations.putIfAbsent(address.getHostAddress(),
                                new Destination(host(record.getTarget()), address, mx.secure() && addresses.secure()));
                    }
                } catch (DnsTemporaryException e) {
                    lastProblem = e;
                }
            }
            if (destinations.isEmpty()) {
                throw lastProblem != null ? lastProblem : new DnsTemporaryException("no address for any MX host of " + domain);
            }
            return List.copyOf(destinations.values());
        }
        if (mx.rcode() == Rcode.NOERROR) {
            // no MX: the domain itself is the mail host (RFC 5321 5.1, implicit MX); secure when the denial and the addresses are
            Addresses addresses = addresses(name, deadlineNanos);
            if (addresses.list().isEmpty()) {
                throw new NoMailDomainException(domain + " has no MX and no address", false);
            }
            return addresses.list().stream().map(a -> new Destination(host(name), a, mx.secure() && addresses.secure())).toList();
        }
        if (mx.rcode() == Rcode.NXDOMAIN) {
            throw new NoMailDomainException("Host or domain name not found: " + domain, false);
        }
        throw new DnsTemporaryException("DNS lookup of " + domain + " failed: " + Rcode.string(mx.rcode()));
    }

    /** A host's addresses, and whether both families' answers were validated. */
    private record Addresses(List<InetAddress> list, boolean secure) {
    }

    private Addresses addresses(Name host, long deadlineNanos) throws DnsTemporaryException {
        List<InetAddress> addresses = new ArrayList<>();
        boolean secure = true;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            DeliveryDns.Answer answer = ask(host, type, deadlineNanos);
            if (answer.found()) {
                for (Record record : answer.records()) {
                    addresses.add(record instanceof ARecord a ? a.getAddress() : ((AAAARecord) record).getAddress());
                }
            } else if (!answer.denied()) {
                throw new DnsTemporaryException("DNS lookup of " + host + " failed: " + Rcode.string(answer.rcode()));
            }
            secure &= answer.secure();
        }
        return new Addresses(addresses, secure);
    }

    private DeliveryDns.Answer ask(Name name, int type, long deadlineNanos) throws DnsTemporaryException {
        Duration wait = timeout;
        if (deadlineNanos != Long.MAX_VALUE) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new DnsTemporaryException("no time left to ask DNS for " + name);
            }
            wait = Duration.ofNanos(Math.min(left, timeout.toNanos()));
        }
        try {
            return dns.query(name, type, wait);
        } catch (java.io.IOException e) {
            throw new DnsTemporaryException(e.getMessage());
        }
    }

    private static Name absolute(String domain) throws NoMailDomainException {
        try {
            return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            throw new NoMailDomainException("not a domain name: " + domain, false);
        }
    }

    static String host(Name name) {
        String text = name.toString();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
