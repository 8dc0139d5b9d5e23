package org.mailforge.smtp.spi;

import java.time.Instant;

/**
 * A refusal the engine gave a client, for the message trace: a decision of policy or of a limit
 * (relay denied, unknown user, greylisting, too many connections, a message too big), never a
 * syntax error.
 *
 * @param traceId   the transaction's id (as {@link InboundMessage#sessionId()} would have been), or
 *                  the session's when it was refused before any transaction
 * @param session   what is known of the session so far
 * @param stage     the command refused
 * @param sender    the envelope sender of the transaction, empty for the null sender, null before MAIL
 * @param recipient the recipient refused at RCPT, or null
 * @param reply     what the client was told
 * @param at        when
 */
public record Refusal(String traceId, SessionFacts session, Stage stage, String sender, String recipient, Reply reply, Instant at) {

    /** Where in the conversation the client was refused. */
    public enum Stage {
        /** Before or instead of the greeting: limits, the early-talker test, DNS lists. */
        CONNECT,
        MAIL,
        RCPT,
        /** At the end of data, by the engine (too big, a loop, bare line ends). */
        DATA
    }
}
