package org.mailforge.domain.trace;

/**
 * What the message trace knows of a message (or of a refused attempt to send one). Every field may
 * be null: a refusal at connect knows the client alone, a delivery attempt nothing new. Texts are
 * cut to the columns' lengths when written.
 *
 * @param node           the host name of the node that received it
 * @param listener       the listener it came in on (smtp, submission, submissions), or {@code local} for our own mail
 * @param clientAddress  the client's address (the one a trusted proxy named)
 * @param clientName     its verified reverse DNS name
 * @param helo           what it said in HELO/EHLO
 * @param tls            the TLS of the session (protocol and cipher)
 * @param authUser       the login it authenticated as
 * @param sender         the envelope sender, lower case; empty for the null sender
 * @param messageId      the Message-ID header field's value
 * @param subject        the subject (decoded)
 * @param sizeBytes      the message's size
 * @param recipients     the envelope recipients, lower case, separated by a space
 * @param authentication the sender checks' results (SPF, DKIM, DMARC, ARC), as in Authentication-Results
 * @param scan           the content scanners' verdicts (spam score, virus)
 */
public record TraceFacts(String node, String listener, String clientAddress, String clientName, String helo, String tls,
                         String authUser, String sender, String messageId, String subject, Long sizeBytes, String recipients,
                         String authentication, String scan) {

    /** Nothing known. */
    public static final TraceFacts NONE = new TraceFacts(null, null, null, null, null, null, null, null, null, null, null,
            null, null, null);
}
