package org.mailforge.application.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

import org.mailforge.smtp.spi.MessageContent;

/**
 * A delivery status notification (RFC 3464): a {@code multipart/report} with a human-readable
 * part, the machine-readable {@code message/delivery-status} and the original message's headers
 * ({@code text/rfc822-headers}, RFC 6522), sent from the null reverse path so it can never loop.
 */
public final class DeliveryStatusNotification {

    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final int MAX_RETURNED_HEADERS = 64 * 1024;

    /** Why the sender hears from us. */
    public enum Kind {
        /** Given up: Action: failed. */
        FAILED,
        /** DELIVERBY mode N deadline passed, still trying: Action: delayed. */
        DELAYED
    }

    /**
     * One recipient's line in the report.
     *
     * @param address    the recipient
     * @param diagnostic the destination's reply ({@code 550 5.1.1 No such user}) or our reason
     * @param status     the RFC 3463 status code ({@code 5.1.1})
     */
    public record Entry(String address, String diagnostic, String status, boolean remote) {
    }

    private DeliveryStatusNotification() {
    }

    /**
     * @param reportingHost this server's name
     * @param queueId       the queue entry reported on
     * @param sender        who gets the report
     * @param reason        why the message was given up or is late, for people; or null
     * @param arrival       when the original message arrived
     * @param original      the original message (only its header section is returned)
     */
    /**
     * A composed report as the message that carries it: from the null reverse path to the sender,
     * with id {@code <id>-dsn}, for {@code MailDeliveryService.deliver} (local sender: stored;
     * remote: queued, and signed like any mail of the host name's domain).
     */
    public static org.mailforge.smtp.spi.InboundMessage message(String id, String reportingHost, String sender, byte[] report,
                                                                Instant now) {
        // a message of its own, with a trace of its own (the original's trace names it)
        return new org.mailforge.smtp.spi.InboundMessage(org.mailforge.smtp.spi.SessionIds.next(), "127.0.0.1", reportingHost, "", List.of(sender),
                MessageContent.of(report), now, false, null, null);
    }

    public static byte[] compose(Kind kind, String reportingHost, String queueId, String sender, Instant arrival,
                                 String reason, List<Entry> entries, MessageContent original, Instant now) throws IOException {
        String boundary = "=_mailforge_" + UUID.randomUUID();
        boolean failed = kind == Kind.FAILED;
        StringBuilder m = new StringBuilder(4096);
        m.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingHost).append(">\r\n");
        m.append("To: <").append(sender).append(">\r\n");
        m.append("Subject: ").append(failed ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)").append("\r\n");
        m.append("Date: ").append(RFC_5322.format(now)).append("\r\n");
        m.append("Message-ID: <").append(queueId).append('.').append(now.toEpochMilli()).append(".dsn@").append(reportingHost).append(">\r\n");
        m.append("Auto-Submitted: auto-replied\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        m.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Description: Notification\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        m.append("This is the mail system at host ").append(reportingHost).append(".\r\n\r\n");
        m.append(failed
                ? "I'm sorry to have to inform you that your message could not be delivered to one or more\r\n"
                        + "recipients. It's attached below.\r\n\r\n"
                : "Your message could not be delivered by the time you asked for (DELIVERBY). The mail\r\n"
                        + "system will keep trying; you do not need to send it again.\r\n\r\n");
        if (reason != null) {
            m.append("Reason: ").append(oneLine(reason)).append("\r\n\r\n");
        }
        for (Entry entry : entries) {
            m.append('<').append(entry.address()).append(">: ").append(oneLine(entry.diagnostic())).append("\r\n");
        }
        m.append("\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n");
        m.append("Reporting-MTA: dns; ").append(reportingHost).append("\r\n");
        m.append("X-Mailforge-Queue-ID: ").append(queueId).append("\r\n");
        m.append("Arrival-Date: ").append(RFC_5322.format(arrival)).append("\r\n");
        for (Entry entry : entries) {
            m.append("\r\nFinal-Recipient: rfc822; ").append(entry.address()).append("\r\n");
            m.append("Action: ").append(failed ? "failed" : "delayed").append("\r\n");
            m.append("Status: ").append(entry.status()).append("\r\n");
            m.append("Diagnostic-Code: ").append(entry.remote() ? "smtp; " : "X-Mailforge; ")
                    .append(oneLine(entry.diagnostic())).append("\r\n");
            m.append("Last-Attempt-Date: ").append(RFC_5322.format(now)).append("\r\n");
        }
        m.append("\r\n");

        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.length() + 8192);
        out.write(m.toString().getBytes(StandardCharsets.UTF_8));
        out.write(headerSection(original));
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The status code of a reply text ({@code 550 5.1.1 ...}), or the generic one of its class. */
    public static String statusOf(int code, String enhanced) {
        if (enhanced != null) {
            return enhanced;
        }
        return code >= 500 ? "5.0.0" : "4.0.0";
    }

    /** The original's header section, up to the blank line (at most 64 KiB). */
    private static byte[] headerSection(MessageContent original) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream(2048);
        try (InputStream in = original.openStream()) {
            int previous = -1;
            int lineLength = 0;
            int b;
            while ((b = in.read()) != -1 && headers.size() < MAX_RETURNED_HEADERS) {
                headers.write(b);
                if (b == '\n') {
                    if (lineLength == 0 || (lineLength == 1 && previous == '\r')) {
                        break;
                    }
                    lineLength = 0;
                } else {
                    lineLength++;
                }
                previous = b;
            }
        }
        return headers.toByteArray();
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ");
    }
}
