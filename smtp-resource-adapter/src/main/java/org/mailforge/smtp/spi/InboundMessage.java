package org.mailforge.smtp.spi;

import java.time.Instant;
import java.util.List;

/**
 * A message the SMTP engine has received completely and now asks the application to accept.
 *
 * @param sessionId    the id of the SMTP session, also used in the Received: header
 * @param clientAddress the IP address of the client
 * @param heloName     what the client said in HELO/EHLO
 * @param reversePath  envelope sender without angle brackets; empty for the null sender {@code <>}
 * @param recipients   envelope recipients (forward paths), in the order given
 * @param content      the message, including the Received: trace header the engine added
 * @param receivedAt   when the end of data was seen
 * @param smtpUtf8     whether the client used the SMTPUTF8 parameter
 * @param authenticatedUser the user the session authenticated as, or null
 * @param deliverBy    the DELIVERBY request of MAIL FROM, or null
 */
public record InboundMessage(String sessionId,
                             String clientAddress,
                             String heloName,
                             String reversePath,
                             List<String> recipients,
                             MessageContent content,
                             Instant receivedAt,
                             boolean smtpUtf8,
                             String authenticatedUser,
                             DeliverBy deliverBy) {

    public InboundMessage {
        recipients = List.copyOf(recipients);
    }

    /** The same message with other content (headers added by a scanner, say). */
    public InboundMessage withContent(MessageContent other) {
        return other == content ? this : new InboundMessage(sessionId, clientAddress, heloName, reversePath, recipients, other,
                receivedAt, smtpUtf8, authenticatedUser, deliverBy);
    }
}
