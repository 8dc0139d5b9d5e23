package org.mailforge.application.outbound.tlsreport;

import java.util.List;

/**
 * How one outbound connection's TLS went, for the destination's TLS report (RFC 8460): under which
 * policy, with which host, and the failure if there was one.
 *
 * @param policyDomain  the destination domain (the report goes to its {@code _smtp._tls} address)
 * @param policyType    {@code sts}, {@code tlsa} or {@code no-policy-found} (RFC 8460 4.3)
 * @param policyStrings the policy: the MTA-STS policy's lines, or the TLSA records; empty without one
 * @param policyMx      the MTA-STS policy's {@code mx} patterns; empty otherwise
 * @param mxHost        the MX host connected to, or that the session was meant for
 * @param sendingIp     our address on that connection, or null when none was made
 * @param receivingIp   the MX host's address, or null
 * @param resultType    null for a successful session, else RFC 8460 4.3's result type
 *                      ({@code starttls-not-supported}, {@code certificate-host-mismatch}, ...)
 * @param detail        what went wrong in words (the report's additional information), or null
 */
public record TlsSession(String policyDomain, String policyType, List<String> policyStrings, List<String> policyMx, String mxHost,
                         String sendingIp, String receivingIp, String resultType, String detail) {

    public static final String STS = "sts";
    public static final String TLSA = "tlsa";
    public static final String NO_POLICY = "no-policy-found";

    /** Policy strings kept at most, and their length: a hostile destination's policy must not fill the database. */
    static final int MAX_POLICY_STRINGS = 20;
    static final int MAX_TEXT = 300;

    public TlsSession {
        policyStrings = policyStrings.stream().limit(MAX_POLICY_STRINGS).map(TlsSession::cut).toList();
        policyMx = policyMx.stream().limit(MAX_POLICY_STRINGS).map(TlsSession::cut).toList();
        mxHost = cut(mxHost);
        detail = detail == null ? null : cut(detail);
    }

    /** The session, failed this way. */
    public TlsSession failed(String type, String why) {
        return new TlsSession(policyDomain, policyType, policyStrings, policyMx, mxHost, sendingIp, receivingIp, type, why);
    }

    private static String cut(String text) {
        if (text == null) {
            return null;
        }
        String line = text.replaceAll("[\\r\\n\\t]+", " ");
        return line.length() <= MAX_TEXT ? line : line.substring(0, MAX_TEXT);
    }
}
