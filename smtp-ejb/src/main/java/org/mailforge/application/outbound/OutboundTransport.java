package org.mailforge.application.outbound;

import java.util.List;

import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.RecipientReply;

/** Hands a queued message to the destination of its domain: the smarthost, or the domain's MX hosts. */
public interface OutboundTransport {

    /**
     * One delivery attempt. Never throws for a destination's trouble: a connection that fails,
     * times out or refuses becomes a 4xx (or, when permanent, 5xx) reply for every recipient.
     *
     * @param sender reverse path, empty for the null sender
     * @return the destination's verdict on each recipient, in order
     */
    List<RecipientReply> deliver(String domain, String sender, List<String> recipients,
                                 MessageContent content, boolean smtpUtf8);

    /**
     * {@link #deliver} telling also how it went, for the message trace: the host and address that
     * gave the verdict, the TLS and the policy that applied.
     */
    default Attempt attempt(String domain, String sender, List<String> recipients, MessageContent content, boolean smtpUtf8) {
        return new Attempt(deliver(domain, sender, recipients, content, smtpUtf8), null, List.of());
    }

    /**
     * An attempt's verdicts and route.
     *
     * @param route in words: the MX host and address, the TLS (version, cipher, whether the certificate was
     *              verified), the MTA-STS policy; null when not known
     * @param tls   how the TLS of each connection went, under which policy, for the destinations' TLS reports
     */
    record Attempt(List<RecipientReply> replies, String route, List<org.mailforge.application.outbound.tlsreport.TlsSession> tls) {

        public Attempt(List<RecipientReply> replies, String route) {
            this(replies, route, List.of());
        }
    }
}
