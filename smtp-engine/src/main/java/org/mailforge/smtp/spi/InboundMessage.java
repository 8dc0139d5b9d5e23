package org.mailforge.smtp.spi;

import java.time.Instant;
import java.util.List;

/**
 * A message the SMTP engine has received completely and now asks the application to accept.
 *
 * @param sessionId    the message's id: the session's id for its first transaction, with {@code -n} for
 *                     the n-th (in our Received: header, the 250 reply and the message trace)
 * @param clientAddress the IP address of the client
 * @param heloName     what the client said in HELO/EHLO
 * @param reversePath  envelope sender without angle brackets; empty for the null sender {@code <>}
 * @param recipients   envelope recipients (forward paths), in the order given
 * @param content      the message, including the Received: trace header the engine added
 * @param receivedAt   when the end of data was seen
 * @param smtpUtf8     whether the client used the SMTPUTF8 parameter
 * @param authenticatedUser the user the session authenticated as, or null
 * @param deliverBy    the DELIVERBY request of MAIL FROM, or null
 * @param session      what the message trace records of the session, or null when unknown
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
                             DeliverBy deliverBy,
                             SessionFacts session) {

    public InboundMessage {
        recipients = List.copyOf(recipients);
    }

    /** A message without the session's facts (one this server wrote itself, a test's). */
    public InboundMessage(String sessionId, String clientAddress, String heloName, String reversePath, List<String> recipients,
                          MessageContent content, Instant receivedAt, boolean smtpUtf8, String authenticatedUser, DeliverBy deliverBy) {
        this(sessionId, clientAddress, heloName, reversePath, recipients, content, receivedAt, smtpUtf8, authenticatedUser,
                deliverBy, null);
    }

    /** The same message with other content (headers added by a scanner, say). */
    public InboundMessage withContent(MessageContent other) {
        return other == content ? this : new InboundMessage(sessionId, clientAddress, heloName, reversePath, recipients, other,
                receivedAt, smtpUtf8, authenticatedUser, deliverBy, session);
    }

    /** The same message with another envelope sender (SRS when it is forwarded). */
    public InboundMessage withReversePath(String other) {
        return new InboundMessage(sessionId, clientAddress, heloName, other, recipients, content, receivedAt, smtpUtf8,
                authenticatedUser, deliverBy, session);
    }
}
