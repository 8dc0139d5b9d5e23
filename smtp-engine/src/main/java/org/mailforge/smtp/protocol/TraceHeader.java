package org.mailforge.smtp.protocol;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Builds the Received: trace header the server prepends to every message (RFC 5321 4.4). */
public final class TraceHeader {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private TraceHeader() {
    }

    /**
     * The client's address as RFC 5321 4.1.3 writes a literal: IPv4 as it is, IPv6 with its
     * {@code IPv6:} tag (and without a zone index, which has no meaning to anyone else).
     */
    static String addressLiteral(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        int zone = address.indexOf('%');
        return "IPv6:" + (zone < 0 ? address : address.substring(0, zone));
    }

    public static byte[] received(SmtpSession session, Transaction transaction) {
        ClientInfo client = session.client();
        StringBuilder header = new StringBuilder(256);
        header.append("Received: from ").append(session.heloName())
                .append(" (").append(client.hostName() == null ? "unknown" : client.hostName())
                .append(" [").append(addressLiteral(client.address())).append("])\r\n");
        if (session.authenticatedUser() != null && session.settings().receivedShowsLogin()) {
            // as Postfix's smtpd_sasl_authenticated_header: who submitted, for abuse handling; off by
            // default, since every recipient reads it
            header.append("\t(Authenticated sender: ").append(session.authenticatedUser()).append(")\r\n");
        }
        if (session.tlsDescription() != null) {
            header.append("\t(using ").append(session.tlsDescription()).append(")\r\n");
        }
        header.append("\tby ").append(session.settings().hostname())
                .append(" (Mailforge) with ").append(protocol(session, transaction))
                .append(" id ").append(session.transactionId());
        if (transaction.recipients().size() == 1) {
            // like Postfix, name the recipient only when that discloses nobody else
            header.append("\r\n\tfor ").append(transaction.recipients().get(0));
        }
        header.append(";\r\n\t").append(DATE.format(session.now())).append("\r\n");
        return header.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The most of a header block looked at for Received: headers. */
    private static final int MAX_HEADER_SCAN = 1024 * 1024;
    private static final byte[] RECEIVED = "received:".getBytes(StandardCharsets.US_ASCII);

    /**
     * Counts the {@code Received:} fields of a message's header block, up to {@code stopAt}; reads
     * no further than the end of the header block (or the first MiB of it).
     */
    public static int hops(java.io.InputStream content, int stopAt) throws java.io.IOException {
        java.io.InputStream in = new java.io.BufferedInputStream(content, 8192);
        int hops = 0;
        int matched = 0;      // octets of "received:" matched at the start of the current line
        boolean lineStart = true;
        boolean emptyLine = true;
        for (int read = 0; read < MAX_HEADER_SCAN && hops < stopAt; read++) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            if (b == '\n') {
                if (emptyLine) {
                    break; // the blank line: end of the header block
                }
                lineStart = true;
                emptyLine = true;
                matched = 0;
                continue;
            }
            if (b != '\r') {
                emptyLine = false;
            }
            if (lineStart) {
                if (matched < RECEIVED.length && Character.toLowerCase(b) == RECEIVED[matched]) {
                    if (++matched == RECEIVED.length) {
                        hops++;
                        lineStart = false;
                    }
                } else if (b != '\r') {
                    lineStart = false;
                }
            }
        }
        return hops;
    }

    /** The "with" keyword of RFC 3848 / RFC 6531: ESMTP, plus S with TLS and A when authenticated. */
    private static String protocol(SmtpSession session, Transaction transaction) {
        if (!session.isExtended()) {
            return "SMTP";
        }
        return (transaction.smtpUtf8() ? "UTF8SMTP" : "ESMTP") + (session.tlsDescription() != null ? "S" : "")
                + (session.authenticatedUser() != null ? "A" : "");
    }
}
