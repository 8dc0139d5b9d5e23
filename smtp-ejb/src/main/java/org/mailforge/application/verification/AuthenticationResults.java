package org.mailforge.application.verification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the checks of a received message found (RFC 8601's vocabulary): SPF for the client and
 * its envelope sender, every DKIM signature, and DMARC for the domain of the From: header.
 *
 * @param spf   the SPF result (RFC 7208 2.6)
 * @param dkim  one result per signature, in the order of the message; empty when unsigned
 * @param dmarc the DMARC result (RFC 7489) and the policy the domain asked for
 */
public record AuthenticationResults(Spf spf, List<Dkim> dkim, Dmarc dmarc) {

    /** A domain or address we may write as a property value; anything else is left out. */
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._+-]{1,64}@" + DOMAIN.pattern());
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_REASON = 120;

    public AuthenticationResults {
        dkim = List.copyOf(dkim);
    }

    /**
     * @param result   none, neutral, pass, fail, softfail, temperror or permerror
     * @param mailFrom the envelope sender checked, or empty when it was the null sender (then {@code helo} was)
     * @param reason   why, for people; or null
     */
    public record Spf(String result, String mailFrom, String helo, String reason) {
    }

    /**
     * @param result    pass, fail, neutral, temperror, permerror (none is an empty list)
     * @param signaturePrefix the first eight characters of {@code b=} (RFC 6008), telling signatures apart
     */
    public record Dkim(String result, String domain, String selector, String algorithm, String signaturePrefix, String reason) {
        public boolean passed() {
            return "pass".equals(result);
        }
    }

    /**
     * @param result     none, pass, fail, temperror or permerror
     * @param fromDomain the domain of the From: header, or null when there is not exactly one
     * @param policy     the policy the domain asks for with this result (none, quarantine or reject), or null without a record
     */
    public record Dmarc(String result, String fromDomain, String policy, String reason) {
        public boolean failed() {
            return "fail".equals(result);
        }
    }

    /** The results as counted by metrics: method to results. */
    public Map<String, List<String>> byMethod() {
        Map<String, List<String>> methods = new LinkedHashMap<>();
        methods.put("spf", List.of(spf.result()));
        methods.put("dkim", dkim.isEmpty() ? List.of("none") : dkim.stream().map(Dkim::result).toList());
        methods.put("dmarc", List.of(dmarc.result()));
        return methods;
    }

    /**
     * The {@code Authentication-Results:} field (RFC 8601) this server adds at the top of the
     * message, folded one result per line, ending in CRLF. Values a sender chose (domains,
     * selectors) appear only when they are plain domain names or tokens.
     */
    public String header(String authservId) {
        return "Authentication-Results: " + authservId + ";\r\n\t" + String.join(";\r\n\t", parts()) + "\r\n";
    }

    /**
     * The results of {@link #header} without the field name and authserv-id, on one line:
     * {@code spf=pass smtp.mailfrom=...; dkim=...; dmarc=...}, as an ARC-Authentication-Results
     * field repeats them.
     */
    public String results() {
        return String.join("; ", parts());
    }

    private List<String> parts() {
        List<String> parts = new ArrayList<>();
        StringBuilder spfPart = new StringBuilder("spf=").append(spf.result()).append(comment(spf.reason()));
        if (!spf.mailFrom().isEmpty()) {
            String from = spf.mailFrom();
            if (ADDRESS.matcher(from).matches()) {
                spfPart.append(" smtp.mailfrom=").append(from);
            } else {
                String domain = from.substring(from.lastIndexOf('@') + 1);
                if (DOMAIN.matcher(domain).matches()) {
                    spfPart.append(" smtp.mailfrom=").append(domain);
                }
            }
        } else if (spf.helo() != null && DOMAIN.matcher(spf.helo()).matches()) {
            spfPart.append(" smtp.helo=").append(spf.helo());
        }
        parts.add(spfPart.toString());
        if (dkim.isEmpty()) {
            parts.add("dkim=none");
        }
        for (Dkim signature : dkim) {
            StringBuilder part = new StringBuilder("dkim=").append(signature.result()).append(comment(signature.reason()));
            property(part, "header.d", signature.domain(), DOMAIN);
            property(part, "header.s", signature.selector(), TOKEN);
            property(part, "header.a", signature.algorithm(), TOKEN);
            if (signature.signaturePrefix() != null && signature.signaturePrefix().matches("[A-Za-z0-9+/]{1,8}")) {
                part.append(" header.b=\"").append(signature.signaturePrefix()).append('"');
            }
            parts.add(part.toString());
        }
        StringBuilder dmarcPart = new StringBuilder("dmarc=").append(dmarc.result())
                .append(comment(dmarc.policy() == null ? dmarc.reason() : "p=" + dmarc.policy()
                        + (dmarc.reason() == null ? "" : ", " + dmarc.reason())));
        property(dmarcPart, "header.from", dmarc.fromDomain(), DOMAIN);
        parts.add(dmarcPart.toString());
        return parts;
    }

    private static void property(StringBuilder part, String name, String value, Pattern allowed) {
        if (value != null && allowed.matcher(value).matches()) {
            part.append(' ').append(name).append('=').append(value);
        }
    }

    /** A reason as an RFC 5322 comment: printable ASCII without parentheses or backslashes, bounded. */
    private static String comment(String reason) {
        if (reason == null || reason.isBlank()) {
            return "";
        }
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < reason.length() && clean.length() < MAX_REASON; i++) {
            char c = reason.charAt(i);
            clean.append(c >= 0x20 && c < 0x7f && c != '(' && c != ')' && c != '\\' ? c : ' ');
        }
        return " (" + clean.toString().strip() + ")";
    }
}
