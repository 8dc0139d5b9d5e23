package org.mailforge.domain.trace;

import java.time.Instant;

/**
 * One step of a message's journey: refused, stored, queued, an outbound attempt and its reply, a
 * notification sent, an administrator's action.
 *
 * @param at        when
 * @param kind      what happened ({@link Kind})
 * @param recipient the recipient it concerns, lower case, or null when it concerns the message
 * @param queueId   the queue entry it concerns, or null
 * @param outcome   {@link Outcome}
 * @param reply     the SMTP reply given or received, verbatim
 * @param detail    more, in words: the mailbox and key it was stored under, the MX host and TLS of an attempt, who acted
 */
public record TraceStep(Instant at, Kind kind, String recipient, String queueId, Outcome outcome, String reply, String detail) {

    /** The kinds of step, by their names in the API. */
    public enum Kind {
        /** The client was refused: at connect, MAIL, RCPT or the end of data. */
        REFUSED,
        /** The message was taken (the 250 at its end of data). */
        RECEIVED,
        /** A copy was stored in a local mailbox. */
        STORED,
        /** A copy was queued for a remote recipient (relayed, or forwarded by an alias). */
        QUEUED,
        /** An outbound delivery attempt: the destination's reply for one recipient. */
        ATTEMPT,
        /** A delivery status notification was sent to the sender. */
        NOTIFIED,
        /** An administrator's action on the queue entry. */
        ADMIN;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How the step went. */
    public enum Outcome {
        OK, DEFERRED, FAILED, INFO;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
