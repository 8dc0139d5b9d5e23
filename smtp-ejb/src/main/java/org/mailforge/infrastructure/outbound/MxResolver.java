package org.mailforge.infrastructure.outbound;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.smtp.spi.Domains;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Where mail for a domain goes (RFC 5321 section 5.1): its MX hosts by preference (equal
 * preferences in random order), or the domain's own address when it has no MX; a null MX
 * (RFC 7505) means the domain takes no mail. Queries go to SMTP_DNS_SERVER when it is set.
 */
public final class MxResolver {

    /** A host to try, in order. */
    public record Destination(String host, InetAddress address) {
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

    private final Resolver resolver;

    /**
     * @param server {@code host} or {@code host:port} of the resolver to ask, or null for the system's
     */
    public MxResolver(String server, Duration timeout) {
        this.resolver = DnsClient.resolver(server, timeout.compareTo(MAX_QUERY_TIME) > 0 ? MAX_QUERY_TIME : timeout);
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
        Lookup mx = lookup(name, Type.MX);
        switch (mx.getResult()) {
            case Lookup.SUCCESSFUL -> {
                List<MXRecord> records = new ArrayList<>(Arrays.stream(mx.getAnswers()).map(MXRecord.class::cast).toList());
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
                        for (InetAddress address : addresses(record.getTarget())) {
                            destinations.putIfAbsent(address.getHostAddress(), new Destination(host(record.getTarget()), address));
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
            case Lookup.TYPE_NOT_FOUND -> {
                // no MX: the domain itself is the mail host (RFC 5321 5.1, implicit MX)
                List<Destination> implicit = addresses(name).stream().map(a -> new Destination(host(name), a)).toList();
                if (implicit.isEmpty()) {
                    throw new NoMailDomainException(domain + " has no MX and no address", false);
                }
                return implicit;
            }
            case Lookup.HOST_NOT_FOUND -> throw new NoMailDomainException("Host or domain name not found: " + domain, false);
            default -> throw new DnsTemporaryException("DNS lookup of " + domain + " failed: " + mx.getErrorString());
        }
    }

    private List<InetAddress> addresses(Name host) throws DnsTemporaryException {
        List<InetAddress> addresses = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup lookup = lookup(host, type);
            if (lookup.getResult() == Lookup.SUCCESSFUL) {
                for (Record record : lookup.getAnswers()) {
                    addresses.add(record instanceof ARecord a ? a.getAddress() : ((AAAARecord) record).getAddress());
                }
            } else if (lookup.getResult() == Lookup.TRY_AGAIN) {
                throw new DnsTemporaryException("DNS lookup of " + host + " failed: " + lookup.getErrorString());
            }
        }
        return addresses;
    }

    private Lookup lookup(Name name, int type) {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.run();
        return lookup;
    }

    private static Name absolute(String domain) throws NoMailDomainException {
        try {
            return Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            throw new NoMailDomainException("not a domain name: " + domain, false);
        }
    }

    private static String host(Name name) {
        String text = name.toString();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
