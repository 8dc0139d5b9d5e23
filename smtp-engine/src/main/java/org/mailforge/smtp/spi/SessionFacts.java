package org.mailforge.smtp.spi;

/**
 * What the message trace records of an SMTP session: who the client is and how it talks.
 *
 * @param sessionId         the session's id
 * @param listener          the listener it connected to ({@link ListenerKind#label()})
 * @param clientAddress     the client's IP address (the one a trusted proxy named, behind PROXY)
 * @param clientName        its verified reverse DNS name, or null
 * @param heloName          what it said in HELO/EHLO, or null before that
 * @param tls               the negotiated TLS (protocol and cipher), or null in plaintext
 * @param authenticatedUser the login it authenticated as, or null
 */
public record SessionFacts(String sessionId, String listener, String clientAddress, String clientName,
                           String heloName, String tls, String authenticatedUser) {
}
