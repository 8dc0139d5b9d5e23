package org.mailforge.infrastructure.verification;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.common.net.InternetDomainName;

import org.mailforge.application.verification.AuthenticationResults.Dkim;
import org.mailforge.application.verification.AuthenticationResults.Dmarc;
import org.mailforge.application.verification.AuthenticationResults.Spf;
import org.mailforge.infrastructure.dns.DnsClient;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * DMARC (RFC 7489): finds the policy record of the From: domain (or of its organisational
 * domain, from the Public Suffix List that Guava ships), and passes the message when SPF or a
 * DKIM signature passed for a domain aligned with the From: domain (relaxed: the same
 * organisational domain; strict: the same domain, as {@code aspf}/{@code adkim} ask).
 * {@code pct} is not applied (every failing message gets the policy), as DMARCbis drops it.
 */
final class DmarcEvaluator {

    private static final int MAX_RECORD = 2048;
    /** RFC 7489 6.4: a record starts with its version tag. */
    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("(?s)v\\s*=\\s*DMARC1\\s*(;.*)?");

    private final DnsClient dns;

    DmarcEvaluator(DnsClient dns) {
        this.dns = dns;
    }

    Dmarc evaluate(String fromDomain, Spf spf, List<Dkim> dkim, Instant deadline) {
        if (fromDomain == null) {
            // RFC 7489 6.6.1: the policy applies to each author domain; a message whose author cannot be
            // told (no From:, several, one unreadable) fails with the strictest policy (OpenDMARC's RejectMultiValueFrom)
            return new Dmarc("fail", null, "reject", "not exactly one From: address");
        }
        String organisational = organisationalDomain(fromDomain);
        Map<String, String> record;
        boolean own;
        try {
            record = record("_dmarc." + fromDomain, deadline);
            own = record != null;
            if (record == null && !organisational.equals(fromDomain)) {
                record = record("_dmarc." + organisational, deadline);
            }
        } catch (DnsClient.DnsTimeoutException e) {
            return new Dmarc("temperror", fromDomain, null, "DNS did not answer in time");
        }
        if (record == null) {
            return new Dmarc("none", fromDomain, null, null);
        }
        String policy = own ? record.get("p") : record.getOrDefault("sp", record.get("p"));
        if (policy == null || !List.of("none", "quarantine", "reject").contains(policy)) {
            policy = "none"; // RFC 7489 6.6.3: a record without a valid p= is a p=none record when it has rua=
        }
        boolean strictSpf = "s".equals(record.get("aspf"));
        boolean strictDkim = "s".equals(record.get("adkim"));
        boolean spfAligned = "pass".equals(spf.result())
                && aligned(spfDomain(spf), fromDomain, organisational, strictSpf);
        boolean dkimAligned = dkim.stream().anyMatch(d -> d.passed() && d.domain() != null
                && aligned(d.domain(), fromDomain, organisational, strictDkim));
        if (spfAligned || dkimAligned) {
            return new Dmarc("pass", fromDomain, policy, null);
        }
        // an aligned SPF or DKIM result we could not get (DNS failing) might have passed: not a failure to act on
        boolean spfUnknown = "temperror".equals(spf.result()) && aligned(spfDomain(spf), fromDomain, organisational, strictSpf);
        boolean dkimUnknown = dkim.stream().anyMatch(d -> "temperror".equals(d.result()) && d.domain() != null
                && aligned(d.domain(), fromDomain, organisational, strictDkim));
        if (spfUnknown || dkimUnknown) {
            return new Dmarc("temperror", fromDomain, policy, "an aligned " + (spfUnknown ? "SPF" : "DKIM") + " result could not be checked");
        }
        return new Dmarc("fail", fromDomain, policy, "neither SPF nor DKIM passed for an aligned domain");
    }

    /** The domain SPF vouched for: the envelope sender's, or the HELO name's for the null sender. */
    private static String spfDomain(Spf spf) {
        String from = spf.mailFrom();
        return from.isEmpty() ? spf.helo() : from.substring(from.lastIndexOf('@') + 1);
    }

    private static boolean aligned(String domain, String fromDomain, String fromOrganisational, boolean strict) {
        if (domain == null) {
            return false;
        }
        String lower = domain.toLowerCase(Locale.ROOT);
        return strict ? lower.equals(fromDomain) : organisationalDomain(lower).equals(fromOrganisational);
    }

    /**
     * The organisational domain: the public suffix and one label more. A name under no suffix the
     * list knows takes its last label as the suffix (the list's implicit {@code *} rule).
     */
    static String organisationalDomain(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        try {
            InternetDomainName name = InternetDomainName.from(lower);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
            if (name.isPublicSuffix()) {
                return lower;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // not a name the list can place: the implicit rule below
        }
        String[] labels = lower.split("\\.");
        return labels.length <= 2 ? lower : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    /** The DMARC record at a name: the tags of the one TXT record starting {@code v=DMARC1}; null when none (or several). */
    private Map<String, String> record(String name, Instant deadline) throws DnsClient.DnsTimeoutException {
        Map<String, String> found = null;
        for (org.xbill.DNS.Record record : dns.query(name, Type.TXT, deadline).records()) {
            if (!(record instanceof TXTRecord txt)) {
                continue;
            }
            String text = String.join("", txt.getStrings());
            if (text.length() > MAX_RECORD || !VERSION.matcher(text).matches()) {
                continue;
            }
            if (found != null) {
                return null; // RFC 7489 6.6.3: more than one record, no policy
            }
            found = tags(text);
        }
        return found;
    }

    private static Map<String, String> tags(String text) {
        Map<String, String> tags = new HashMap<>();
        for (String part : text.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                tags.putIfAbsent(part.substring(0, equals).strip().toLowerCase(Locale.ROOT),
                        part.substring(equals + 1).strip().toLowerCase(Locale.ROOT));
            }
        }
        return tags;
    }
}
