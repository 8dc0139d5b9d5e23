package org.mailforge.infrastructure.verification;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.domaincheck.PublishedDns;
import org.mailforge.infrastructure.dns.DnsClient;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The domain check's questions through the server's resolver (SMTP_DNS_SERVER), each within
 * {@link #WAIT} and all by the check's deadline ({@link #within}); SPF is evaluated by the same
 * verifier that judges received mail.
 */
@ApplicationScoped
public class DnsPublishedRecords implements PublishedDns {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    ServerConfiguration configuration;

    private DnsClient dns;
    private SpfVerifier spf;

    @PostConstruct
    void init() {
        dns = DnsClient.forChecks(configuration.outbound().dnsServer());
        spf = new SpfVerifier(dns, configuration.listener().hostname());
    }

    @Override
    public PublishedDns within(Instant deadline) {
        return new Bounded(deadline);
    }

    private PublishedDns unbounded() {
        return new Bounded(Instant.now().plus(WAIT.multipliedBy(9)));
    }

    @Override
    public String organisationalDomain(String domain) {
        return DmarcEvaluator.organisationalDomain(domain);
    }

    @Override
    public List<String> txt(String name) throws Unanswered {
        return unbounded().txt(name);
    }

    @Override
    public List<String> mx(String domain) throws Unanswered {
        return unbounded().mx(domain);
    }

    @Override
    public List<org.mailforge.smtp.tls.Tlsa> tlsa(String name) throws Unanswered {
        return unbounded().tlsa(name);
    }

    @Override
    public List<String> addresses(String host) throws Unanswered {
        return unbounded().addresses(host);
    }

    @Override
    public List<String> addresses(String host, boolean ipv6) throws Unanswered {
        return unbounded().addresses(host, ipv6);
    }

    @Override
    public List<String> ptr(String address) throws Unanswered {
        return unbounded().ptr(address);
    }

    @Override
    public String spf(String address, String domain, String helo) {
        return unbounded().spf(address, domain, helo);
    }

    /** The questions of one check, all answered by its deadline. */
    private final class Bounded implements PublishedDns {

        private final Instant deadline;

        Bounded(Instant deadline) {
            this.deadline = deadline;
        }

        private List<Record> ask(String name, int type) throws Unanswered {
            Instant now = Instant.now();
            if (!now.isBefore(deadline)) {
                throw new Unanswered(Type.string(type) + " " + name + ": the check's time is up");
            }
            try {
                return dns.query(name, type, earliest(now.plus(WAIT))).records();
            } catch (DnsClient.DnsTimeoutException e) {
                throw new Unanswered(Type.string(type) + " " + name + ": " + e.getMessage());
            }
        }

        private Instant earliest(Instant instant) {
            return instant.isBefore(deadline) ? instant : deadline;
        }

        @Override
        public String organisationalDomain(String domain) {
            return DmarcEvaluator.organisationalDomain(domain);
        }

        @Override
        public PublishedDns within(Instant later) {
            return new Bounded(earliest(later));
        }

        @Override
        public List<String> txt(String name) throws Unanswered {
            List<String> texts = new ArrayList<>();
            for (Record record : ask(name, Type.TXT)) {
                if (record instanceof TXTRecord txt) {
                    texts.add(String.join("", txt.getStrings()));
                }
            }
            return texts;
        }

        @Override
        public List<String> mx(String domain) throws Unanswered {
            return ask(domain, Type.MX).stream().filter(MXRecord.class::isInstance).map(MXRecord.class::cast)
                    .sorted(Comparator.comparingInt(MXRecord::getPriority)).map(mx -> name(mx.getTarget().toString())).toList();
        }

        @Override
        public List<String> addresses(String host) throws Unanswered {
            List<String> addresses = new ArrayList<>();
            for (Record record : ask(host, Type.A)) {
                if (record instanceof ARecord a) {
                    addresses.add(a.getAddress().getHostAddress());
                }
            }
            for (Record record : ask(host, Type.AAAA)) {
                if (record instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress().getHostAddress());
                }
            }
            return addresses;
        }

        @Override
        public List<String> addresses(String host, boolean ipv6) throws Unanswered {
            List<String> addresses = new ArrayList<>();
            for (Record record : ask(host, ipv6 ? Type.AAAA : Type.A)) {
                if (record instanceof ARecord a) {
                    addresses.add(a.getAddress().getHostAddress());
                } else if (record instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress().getHostAddress());
                }
            }
            return addresses;
        }

        @Override
        public List<org.mailforge.smtp.tls.Tlsa> tlsa(String name) throws Unanswered {
            return ask(name, Type.TLSA).stream().filter(org.xbill.DNS.TLSARecord.class::isInstance).map(org.xbill.DNS.TLSARecord.class::cast)
                    .map(r -> new org.mailforge.smtp.tls.Tlsa(r.getCertificateUsage(), r.getSelector(), r.getMatchingType(),
                            r.getCertificateAssociationData())).toList();
        }

        @Override
        public List<String> ptr(String address) throws Unanswered {
            String reverse;
            try {
                reverse = ReverseMap.fromAddress(address).toString();
            } catch (java.net.UnknownHostException e) {
                return List.of();
            }
            return ask(reverse, Type.PTR).stream().filter(PTRRecord.class::isInstance)
                    .map(record -> name(((PTRRecord) record).getTarget().toString())).toList();
        }

        @Override
        public String spf(String address, String domain, String helo) {
            Instant now = Instant.now();
            if (!now.isBefore(deadline)) {
                return "temperror";
            }
            return spf.check(address, "postmaster@" + domain, helo, earliest(now.plus(WAIT.multipliedBy(4)))).result();
        }
    }

    private static String name(String absolute) {
        String name = absolute.toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
