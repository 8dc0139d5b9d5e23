package org.mailforge.smtp.spi;

/**
 * The message listener interface of the SMTP resource adapter: message-driven beans implement it
 * to take responsibility for received mail.
 *
 * <p>The reply returned is what the client sees after its end of data. An implementation returns a
 * positive reply only once the message is durable; any failure it cannot handle must become a
 * transient (4xx) reply or an exception, which the adapter turns into {@code 451 4.3.0}.
 */
public interface SmtpMessageListener {

    Reply deliver(InboundMessage message);

    /**
     * Whether mail for this domain is kept here, beyond the listener's own SMTP_LOCAL_DOMAINS:
     * domains the application added since it started (through its API, on any node). Asked at
     * RCPT for a domain the listener does not know as local, before relay is refused.
     */
    default boolean isLocalDomain(String domain) {
        return false;
    }

    /**
     * RCPT TO an address of a local domain: whether a mailbox takes mail for it here, so that mail
     * for nobody is refused in the session instead of bounced later (no backscatter).
     *
     * @return null to accept the recipient, or the refusal (550 5.1.1 for an unknown user)
     */
    default Reply verifyRecipient(String address) {
        return null;
    }

    /**
     * {@link #verifyRecipient(String)} knowing the transaction's envelope sender: some addresses
     * take only bounces (an SRS address of mail forwarded from here takes the null sender alone).
     *
     * @param reversePath the envelope sender, empty for the null sender {@code <>}
     */
    default Reply verifyRecipient(String reversePath, String address) {
        return verifyRecipient(address);
    }

    /**
     * The certificate of the listeners when TLS is enabled without PEM files of its own: the one
     * the application manages (ACME), or null while it has none. Asked periodically, off the
     * sessions' threads; a changed answer is used by the next TLS handshake.
     */
    default ServerCertificate serverCertificate() {
        return null;
    }

    /**
     * Which screening hooks to call: asked once, before the MX listener's first session. The
     * default calls every hook.
     */
    default ScreeningScope screeningScope() {
        return ScreeningScope.ALL;
    }

    /**
     * A client connected to the MX listener (never the submission listeners): whether to greet it,
     * refuse it, or hold its greeting back first. Asked before the greeting, once per connection.
     */
    default ClientScreening screenClient(String address) {
        return ClientScreening.PASS;
    }

    /**
     * The outcome of the early-talker test of a client whose greeting was held back: {@code waited}
     * when it kept silent until the greeting, false when it talked first (it has been refused).
     */
    default void greetingTest(String address, boolean waited) {
        // nothing remembered
    }

    /**
     * RCPT TO from an unauthenticated client on the MX listener, after the recipient was verified:
     * the checks that depend on the whole envelope and the client (greylisting).
     *
     * @return null to accept the recipient, or the reply ({@code 451 4.7.1} to try again later)
     */
    default Reply screenRecipient(InboundRecipient recipient) {
        return null;
    }

    /**
     * RCPT TO in a session authenticated as {@code user}, after the recipient was accepted as a
     * destination: the outbound guardrails (a held account, sending limits per account and per
     * domain, recipients per message).
     *
     * @param sender    the envelope sender, empty for the null sender
     * @param recipients the recipients the transaction has taken so far
     * @return null to accept the recipient, or the refusal ({@code 452} over a limit, {@code 550 5.7.1} for a held account)
     */
    default Reply screenSubmission(String user, String sender, String recipient, int recipients) {
        return null;
    }

    /**
     * MAIL FROM in a session authenticated as {@code user}, where the listener requires senders to
     * match their login (SMTP_SENDER_LOGIN_MATCH): whether {@code user} may send as
     * {@code address} (its own addresses; an administrator any address of a local domain). The
     * null sender is never asked about.
     *
     * @return null to accept the sender, or the refusal ({@code 553 5.7.1})
     */
    Reply verifySender(String user, String address);

    /**
     * Checks credentials given with SMTP AUTH. Implementations compare in constant time and never
     * log the password; the caller wipes the array afterwards.
     *
     * @param username the authentication identity as the client sent it
     * @param password the password as the client sent it
     */
    AuthenticationResult authenticate(String username, char[] password);

    /**
     * ETRN (RFC 1985): starts delivery of the mail queued for {@code domain} now.
     *
     * @return 250 when a run started, 251 when nothing waits, 458/459 when refused
     */
    default Reply startQueueRun(String domain) {
        return Reply.of(458, "4.3.0", "Unable to queue messages for " + domain);
    }

    /**
     * ATRN (RFC 2645): the mail waiting for {@code domains} that {@code user} may collect.
     *
     * @param domains the domains asked for; empty for every domain the user may collect
     */
    default TurnResult turn(String user, java.util.List<String> domains) {
        return TurnResult.refused(Reply.of(450, "4.7.1", "ATRN is not available here"));
    }

    /**
     * Refusals the engine gave clients (connections refused, senders and recipients refused,
     * messages refused at their end of data), for the message trace. Called in batches, off the
     * sessions' threads; a batch that cannot be taken is dropped (the client already had its reply).
     */
    default void refused(java.util.List<Refusal> refusals) {
        // nothing recorded
    }

    /** Reports what the client said about each recipient of held mail delivered over ATRN. */
    default void turned(String id, java.util.List<RecipientReply> results) {
        // nothing was handed out, nothing to record
    }
}
