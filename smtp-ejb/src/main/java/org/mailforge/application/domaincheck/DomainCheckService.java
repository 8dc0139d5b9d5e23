package org.mailforge.application.domaincheck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.certificates.ServerCertificates;
import org.mailforge.application.common.LogText;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.dkim.DkimKeyService;
import org.mailforge.application.directory.MtaStsPublication;
import org.mailforge.application.domaincheck.DomainCheck.Item;
import org.mailforge.application.domaincheck.DomainCheck.Status;
import org.mailforge.domain.dkim.DkimKey;
import org.mailforge.smtp.spi.ServerCertificate;

/**
 * Checks what a local domain publishes against what this server needs, as mox's and mailcow's DNS
 * checks do: the MX pointing here, SPF allowing the addresses mail leaves from, the signing DKIM
 * key equal to ours, a DMARC record, the MTA-STS record announcing the policy we serve, a TLS-RPT
 * record, forward-confirmed reverse DNS of each outbound address, and the certificate's names and
 * expiry. Each item says pass, warning or fail, why in one line, and what to publish.
 */
@ApplicationScoped
public class DomainCheckService {

    private static final Duration CERTIFICATE_FAILS = Duration.ofDays(7);
    private static final Duration CERTIFICATE_WARNS = Duration.ofDays(21);
    /** PTR names followed to confirm an address (RFC 7208 5.5 takes at most 10). */
    private static final int MAX_PTR_NAMES = 10;
    /** The whole check answers within this, however many addresses, selectors and names it meets. */
    static final Duration DEADLINE = Duration.ofSeconds(45);

    private ServerConfiguration configuration;
    private PublishedDns resolver;
    private DkimKeyService dkim;
    private MtaStsPublication mtaSts;
    private ServerCertificates certificates;
    private Clock clock;

    protected DomainCheckService() {
        // for CDI's client proxy
    }

    @Inject
    public DomainCheckService(ServerConfiguration configuration, PublishedDns dns, DkimKeyService dkim, MtaStsPublication mtaSts,
                              ServerCertificates certificates) {
        this.configuration = configuration;
        this.resolver = dns;
        this.dkim = dkim;
        this.mtaSts = mtaSts;
        this.certificates = certificates;
        this.clock = Clock.systemUTC();
    }

    /** Checks {@code domain} (a local domain in A-label form) now. */
    public DomainCheck check(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        String host = configuration.listener().hostname().toLowerCase(Locale.ROOT);
        // every question of this check answers by one deadline: past it, the items left are unanswered
        PublishedDns dns = resolver.within(clock.instant().plus(DEADLINE));
        List<String> outbound = outboundAddresses(dns, host);
        List<Item> items = new ArrayList<>();
        items.add(mx(dns, name, host));
        items.add(spf(dns, name, outbound));
        items.addAll(dkim(dns, name));
        items.add(dmarc(dns, name));
        Item policy = mtaSts(dns, name, host);
        items.add(policy);
        items.add(tlsRpt(dns, name));
        items.addAll(ptr(dns, outbound, host));
        items.add(certificate(name, host, policy.found() != null)); // found: the domain publishes an MTA-STS record
        tlsa(dns, host).ifPresent(items::add);
        return new DomainCheck(name, clock.instant(), outbound, items);
    }

    /** SMTP_OUTBOUND_ADDRESSES, else the relay host's addresses, else the host name's. */
    private List<String> outboundAddresses(PublishedDns dns, String host) {
        if (!configuration.outbound().outboundAddresses().isEmpty()) {
            return configuration.outbound().outboundAddresses();
        }
        String from = configuration.outbound().relayHost() != null ? configuration.outbound().relayHost() : host;
        if (from.matches("[0-9.]+") || from.contains(":")) {
            try {
                return List.of(org.mailforge.smtp.ratelimit.Cidr.address(from.replace("[", "").replace("]", "")).getHostAddress());
            } catch (IllegalArgumentException e) {
                return List.of(); // not a name, not an address
            }
        }
        try {
            return dns.addresses(from);
        } catch (PublishedDns.Unanswered e) {
            return List.of();
        }
    }

    private Item mx(PublishedDns dns, String domain, String host) {
        String publish = zone(domain, "MX", "10 " + host + ".");
        try {
            List<String> targets = dns.mx(domain);
            if (targets.isEmpty()) {
                return new Item("mx", Status.FAIL, "no MX record: senders fall back to the domain's own address", null, publish);
            }
            Set<String> ours = ourNames(host);
            long here = targets.stream().filter(ours::contains).count();
            String found = String.join(", ", targets);
            if (here == 0) {
                return new Item("mx", Status.FAIL, "the MX records point elsewhere, not to " + host, found, publish);
            }
            if (here < targets.size()) {
                return new Item("mx", Status.WARNING, "some MX records point to other servers (a backup MX must forward here)", found, null);
            }
            return new Item("mx", Status.PASS, "mail for the domain comes here", found, null);
        } catch (PublishedDns.Unanswered e) {
            return unanswered("mx", e);
        }
    }

    private Set<String> ourNames(String host) {
        Set<String> names = new LinkedHashSet<>();
        names.add(host);
        names.addAll(configuration.certificates().names());
        return names;
    }

    private Item spf(PublishedDns dns, String domain, List<String> outbound) {
        Optional<List<String>> records = txtStartingWith(dns, domain, "v=spf1");
        String publish = zone(domain, "TXT", "\"" + spfSuggestion(records.orElse(List.of()), outbound) + "\"");
        if (records.isEmpty()) {
            return unanswered("spf", "DNS gave no answer for the domain's TXT records: try again later");
        }
        if (records.get().isEmpty()) {
            return new Item("spf", Status.FAIL, "no SPF record: receivers cannot tell this server may send for the domain", null, publish);
        }
        String found = found(records.get());
        if (records.get().size() > 1) {
            return new Item("spf", Status.FAIL, "more than one SPF record is a permanent error (RFC 7208 3.2)", found, publish);
        }
        if (outbound.isEmpty()) {
            return new Item("spf", Status.WARNING, "the addresses mail leaves from are unknown: set SMTP_OUTBOUND_ADDRESSES", found, null);
        }
        List<String> refused = new ArrayList<>();
        String helo = configuration.listener().hostname();
        for (String address : outbound) {
            String result = dns.spf(address, domain, helo);
            if ("temperror".equals(result)) {
                return unanswered("spf", "DNS gave no answer while SPF was evaluated for " + address + ": try again later");
            }
            if (!"pass".equals(result)) {
                refused.add(address + " (" + result + ")");
            }
        }
        if (!refused.isEmpty()) {
            return new Item("spf", Status.FAIL, "SPF does not allow " + String.join(", ", refused), found, publish);
        }
        return new Item("spf", Status.PASS, "SPF allows " + String.join(", ", outbound), found, null);
    }

    /**
     * The SPF record to publish: the one there with the outbound addresses added before its
     * {@code all} (its includes stay), or a new one naming them.
     */
    static String spfSuggestion(List<String> existing, List<String> outbound) {
        StringBuilder mechanisms = new StringBuilder();
        for (String address : outbound) {
            mechanisms.append(address.contains(":") ? " ip6:" : " ip4:").append(address);
        }
        if (existing.size() != 1) {
            return "v=spf1" + (outbound.isEmpty() ? " mx" : mechanisms) + " -all";
        }
        String record = existing.get(0).strip();
        java.util.regex.Matcher all = java.util.regex.Pattern.compile("(?i)\\s[-~?+]?all\\s*$").matcher(record);
        return all.find() ? record.substring(0, all.start()) + mechanisms + record.substring(all.start()) : record + mechanisms + " -all";
    }

    private List<Item> dkim(PublishedDns dns, String domain) {
        List<DkimKey> active = dkim.list(domain).stream().filter(DkimKey::isActive).toList();
        if (active.isEmpty()) {
            return List.of(new Item("dkim", Status.WARNING, "no signing DKIM key: create one (POST /api/domains/" + domain
                    + "/dkim), publish its record, then activate it", null, null));
        }
        List<Item> items = new ArrayList<>();
        for (DkimKey key : active) {
            String publish = new DkimKeyService.DnsRecord(key.dnsName(), "TXT", key.dnsRecord(), "the key that signs").zoneLine();
            String keyType = tag(key.dnsRecord(), "k");
            Optional<List<String>> records;
            try {
                // a key record needs no v=DKIM1 (RFC 6376 3.6.1): every TXT record at the selector that holds a p= counts
                records = Optional.of(dns.txt(key.dnsName()).stream().filter(record -> tag(record, "p") != null).toList());
            } catch (PublishedDns.Unanswered e) {
                records = Optional.empty();
            }
            if (records.isEmpty()) {
                items.add(unanswered("dkim", "DNS gave no answer for " + key.dnsName()).about(key.getSelector()));
            } else if (records.get().isEmpty()) {
                items.add(new Item("dkim", Status.FAIL, "selector " + key.getSelector() + " signs, but " + key.dnsName()
                        + " publishes no key: receivers see dkim=permerror", null, publish).about(key.getSelector()));
            } else if (records.get().stream().noneMatch(record -> publicKey(record).equals(key.getPublicKey())
                    && keyType.equalsIgnoreCase(tag(record, "k") == null ? "rsa" : tag(record, "k")))) {
                items.add(new Item("dkim", Status.FAIL, "selector " + key.getSelector() + " publishes another key (or key type, k=) than"
                        + " the one signing", found(records.get()), publish).about(key.getSelector()));
            } else if (records.get().size() > 1) {
                items.add(new Item("dkim", Status.WARNING, "selector " + key.getSelector() + " has " + records.get().size()
                        + " key records: receivers may take either", found(records.get()), publish).about(key.getSelector()));
            } else {
                items.add(new Item("dkim", Status.PASS, "selector " + key.getSelector() + " publishes the signing key", key.dnsName(), null)
                        .about(key.getSelector()));
            }
        }
        return items;
    }

    /** The p= of a DKIM record, without the blanks a zone file may add. */
    private static String publicKey(String record) {
        for (String tag : record.split(";")) {
            String clean = tag.replaceAll("\\s", "");
            if (clean.startsWith("p=")) {
                return clean.substring(2);
            }
        }
        return "";
    }

    private Item dmarc(PublishedDns dns, String domain) {
        String name = "_dmarc." + domain;
        String publish = zone(name, "TXT", "\"v=DMARC1; p=none; rua=mailto:postmaster@" + domain + "\"");
        Optional<List<String>> records = txtStartingWith(dns, name, "v=DMARC1");
        if (records.isEmpty()) {
            return unanswered("dmarc", "DNS gave no answer for " + name);
        }
        String policyTag = "p";
        String organisational = dns.organisationalDomain(domain);
        if (records.get().isEmpty() && !organisational.equals(domain)) {
            // RFC 7489 6.6.3: a subdomain without a record of its own takes its organisational domain's (its sp=, else p=)
            Optional<List<String>> parent = txtStartingWith(dns, "_dmarc." + organisational, "v=DMARC1");
            if (parent.isEmpty()) {
                return unanswered("dmarc", "DNS gave no answer for _dmarc." + organisational);
            }
            records = parent;
            policyTag = parent.get().size() == 1 && tag(parent.get().get(0), "sp") != null ? "sp" : "p";
        }
        if (records.get().isEmpty()) {
            return new Item("dmarc", Status.FAIL, "no DMARC record: the big receivers junk or refuse unauthenticated bulk mail from"
                    + " such domains", null, publish);
        }
        String found = found(records.get());
        if (records.get().size() > 1) {
            return new Item("dmarc", Status.FAIL, "more than one DMARC record: receivers use none (RFC 7489 6.6.3)", found, publish);
        }
        String policy = tag(records.get().get(0), policyTag);
        if (policy == null) {
            return new Item("dmarc", Status.FAIL, "the DMARC record has no p= tag", found, publish);
        }
        if (!List.of("none", "quarantine", "reject").contains(policy.toLowerCase(Locale.ROOT))) {
            return new Item("dmarc", Status.FAIL, "p= must be none, quarantine or reject: receivers discard this record", found, publish);
        }
        if (policy.equalsIgnoreCase("none")) {
            return new Item("dmarc", Status.WARNING, "p=none only monitors: raise it to quarantine, then reject, once the reports"
                    + " show all mail aligned", found, null);
        }
        return new Item("dmarc", Status.PASS, "DMARC policy " + policyTag + "=" + LogText.escape(policy), found, null);
    }

    private static String tag(String record, String name) {
        for (String part : record.split(";")) {
            String[] pair = part.split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase(name)) {
                return pair[1].strip();
            }
        }
        return null;
    }

    private Item mtaSts(PublishedDns dns, String domain, String host) {
        String name = "_mta-sts." + domain;
        String expected = mtaSts.txtRecord();
        String publish = zone(name, "TXT", "\"" + expected + "\"") + "\n" + zone("mta-sts." + domain, "CNAME", host + ".");
        Optional<List<String>> records = txtStartingWith(dns, name, "v=STSv1");
        if (records.isEmpty()) {
            return unanswered("mta-sts", "DNS gave no answer for " + name);
        }
        if (records.get().isEmpty()) {
            return new Item("mta-sts", Status.WARNING, "no MTA-STS record: senders may deliver here without verified TLS", null, publish);
        }
        String found = found(records.get());
        String id = tag(records.get().get(0), "id");
        String ours = tag(expected, "id");
        if (records.get().size() > 1 || id == null || !id.equals(ours)) {
            return new Item("mta-sts", Status.FAIL, "the record's id is not the one of the policy served here (" + ours
                    + "): senders keep an outdated policy", found, publish);
        }
        try {
            if (dns.addresses("mta-sts." + domain).isEmpty()) {
                return new Item("mta-sts", Status.FAIL, "mta-sts." + domain + " has no address: the policy cannot be fetched", found, publish);
            }
        } catch (PublishedDns.Unanswered e) {
            return unanswered("mta-sts", e);
        }
        return new Item("mta-sts", Status.PASS, "the record announces the policy served here", found, null);
    }

    private Item tlsRpt(PublishedDns dns, String domain) {
        String name = "_smtp._tls." + domain;
        String publish = zone(name, "TXT", "\"v=TLSRPTv1; rua=mailto:postmaster@" + domain + "\"");
        Optional<List<String>> records = txtStartingWith(dns, name, "v=TLSRPTv1");
        if (records.isEmpty()) {
            return unanswered("tls-rpt", "DNS gave no answer for " + name);
        }
        if (records.get().isEmpty()) {
            return new Item("tls-rpt", Status.WARNING, "no TLS-RPT record: senders cannot report TLS problems delivering here", null, publish);
        }
        String found = found(records.get());
        if (records.get().size() > 1 || tag(records.get().get(0), "rua") == null) {
            return new Item("tls-rpt", Status.FAIL, "the TLS-RPT record must be one, with rua=", found, publish);
        }
        return new Item("tls-rpt", Status.PASS, "reports go to " + LogText.escape(tag(records.get().get(0), "rua")), found, null);
    }

    private List<Item> ptr(PublishedDns dns, List<String> outbound, String host) {
        if (outbound.isEmpty()) {
            return List.of(new Item("ptr", Status.WARNING, "the addresses mail leaves from are unknown: set SMTP_OUTBOUND_ADDRESSES", null, null));
        }
        List<Item> items = new ArrayList<>();
        for (String address : outbound) {
            String publish = "(at the address's owner, your provider) " + reverseName(address) + ". PTR " + host + ".";
            try {
                List<String> names = dns.ptr(address);
                if (names.isEmpty()) {
                    items.add(new Item("ptr", Status.FAIL, address + " has no reverse DNS: many receivers refuse mail from it", null, publish)
                            .about(address));
                    continue;
                }
                Optional<String> confirmed = Optional.empty();
                for (String name : names.stream().limit(MAX_PTR_NAMES).toList()) { // RFC 7208 5.5's limit, as receivers apply it
                    if (dns.addresses(name, address.contains(":")).contains(address)) {
                        confirmed = Optional.of(name);
                        break;
                    }
                }
                String found = String.join(", ", names);
                if (confirmed.isEmpty()) {
                    items.add(new Item("ptr", Status.FAIL, address + "'s reverse name does not lead back to it (not forward-confirmed)",
                            found, publish).about(address));
                } else if (!confirmed.get().equals(host)) {
                    items.add(new Item("ptr", Status.WARNING, address + " is " + LogText.escape(confirmed.get()) + ", not SMTP_HOSTNAME " + host
                            + " (the name in our EHLO)", found, publish).about(address));
                } else {
                    items.add(new Item("ptr", Status.PASS, address + " is " + host + ", both ways", found, null).about(address));
                }
            } catch (PublishedDns.Unanswered e) {
                items.add(unanswered("ptr", e).about(address));
            }
        }
        return items;
    }

    private static String reverseName(String address) {
        String[] octets = address.split("\\.");
        if (address.contains(":") || octets.length != 4) {
            return address + " (its reverse name)";
        }
        return octets[3] + "." + octets[2] + "." + octets[1] + "." + octets[0] + ".in-addr.arpa";
    }

    private Item certificate(String domain, String host, boolean mtaStsPublished) {
        Optional<ServerCertificate> current = certificates.current();
        if (current.isEmpty()) {
            return new Item("certificate", Status.WARNING, configuration.listener().tlsEnabled()
                    ? "no certificate yet (ACME has not got it)" : "TLS is off (SMTP_ENABLE_TLS=false): mail reaches this server in plaintext",
                    null, null);
        }
        List<String> names = current.get().dnsNames();
        String found = String.join(", ", names) + "; until " + current.get().notAfter();
        Instant now = clock.instant();
        if (!current.get().notAfter().isAfter(now.plus(CERTIFICATE_FAILS))) {
            return new Item("certificate", Status.FAIL, "the certificate expires within a week", found, null);
        }
        List<String> missing = new ArrayList<>();
        if (!covers(names, host)) {
            missing.add(host);
        }
        if (mtaStsPublished && !covers(names, "mta-sts." + domain)) {
            missing.add("mta-sts." + domain);
        }
        if (!missing.isEmpty()) {
            return new Item("certificate", Status.FAIL, "the certificate does not carry " + String.join(", ", missing)
                    + ": senders verifying TLS (MTA-STS) cannot deliver", found, null);
        }
        if (!current.get().notAfter().isAfter(now.plus(CERTIFICATE_WARNS))) {
            return new Item("certificate", Status.WARNING, "the certificate expires within three weeks", found, null);
        }
        return new Item("certificate", Status.PASS, "valid for the names senders check", found, null);
    }

    /**
     * DANE for mail to this server (RFC 7672): when {@code _25._tcp.<host>} publishes TLSA
     * records, one usable record must match the certificate in use, or DANE senders defer all mail
     * (4.7.5). No item when there are none: DANE needs a DNSSEC-signed zone and is optional.
     */
    private Optional<Item> tlsa(PublishedDns dns, String host) {
        String name = "_25._tcp." + host;
        List<org.mailforge.smtp.tls.Tlsa> records;
        try {
            records = dns.tlsa(name);
        } catch (PublishedDns.Unanswered e) {
            return Optional.empty(); // whether DANE is used cannot be told (some resolvers do not know the type): no item
        }
        if (records.isEmpty()) {
            return Optional.empty();
        }
        String found = String.join("; ", records.stream().limit(10).map(org.mailforge.smtp.tls.Tlsa::presentation).toList());
        Optional<ServerCertificate> current = certificates.current();
        if (current.isEmpty()) {
            return Optional.of(new Item("tlsa", Status.WARNING, "TLSA records are published but there is no certificate yet:"
                    + " DANE senders defer mail here until there is one that a record matches", found, null));
        }
        List<java.security.cert.X509Certificate> chain = current.get().chain();
        boolean matches = records.stream().filter(org.mailforge.smtp.tls.Tlsa::usable).anyMatch(record -> record.usage() == 3
                ? record.matches(chain.get(0)) : chain.stream().skip(1).anyMatch(record::matches));
        String publish;
        try {
            publish = name + ". IN TLSA " + org.mailforge.smtp.tls.Tlsa.daneEeKey(chain.get(0)).presentation();
        } catch (java.security.GeneralSecurityException e) {
            publish = null;
        }
        if (!matches) {
            return Optional.of(new Item("tlsa", Status.FAIL, "no usable TLSA record matches the certificate in use: senders using"
                    + " DANE defer all mail to this server", found, publish));
        }
        if (configuration.certificates().acme() && !configuration.certificates().reuseKey()
                && records.stream().filter(org.mailforge.smtp.tls.Tlsa::usable).allMatch(r -> r.usage() == 3)) {
            return Optional.of(new Item("tlsa", Status.WARNING, "the records match, but ACME makes a new key at the next renewal"
                    + " (SMTP_ACME_REUSE_KEY=false): publish the new key's record first", found, null));
        }
        return Optional.of(new Item("tlsa", Status.PASS, "a TLSA record matches the certificate in use", found, null));
    }

    private static boolean covers(List<String> names, String name) {
        return names.stream().anyMatch(pattern -> pattern.equalsIgnoreCase(name)
                || (pattern.startsWith("*.") && name.indexOf('.') > 0 && name.substring(name.indexOf('.')).equalsIgnoreCase(pattern.substring(1))));
    }

    /** The TXT records of {@code name} that start with {@code prefix}; empty Optional when DNS did not answer. */
    private Optional<List<String>> txtStartingWith(PublishedDns dns, String name, String prefix) {
        try {
            boolean spf = prefix.equals("v=spf1"); // RFC 7208 4.5: a space or the end after it; the other records allow a ';'
            return Optional.of(dns.txt(name).stream().filter(record -> record.regionMatches(true, 0, prefix, 0, prefix.length())
                    && (record.length() == prefix.length() || record.charAt(prefix.length()) == ' '
                        || (!spf && record.charAt(prefix.length()) == ';')))
                    .toList());
        } catch (PublishedDns.Unanswered e) {
            return Optional.empty();
        }
    }

    /** What DNS has, as the domain's owner wrote it: escaped and cut for showing. */
    private static String found(List<String> records) {
        return String.join(" | ", records.stream().map(LogText::escape).toList());
    }

    private static Item unanswered(String check, PublishedDns.Unanswered e) {
        return unanswered(check, "DNS gave no answer (" + LogText.escape(e.getMessage()) + "): try again later");
    }

    private static Item unanswered(String check, String reason) {
        return new Item(check, Status.WARNING, reason, null, null, null, false);
    }

    private static String zone(String name, String type, String value) {
        return name + ". 3600 IN " + type + " " + value;
    }
}
