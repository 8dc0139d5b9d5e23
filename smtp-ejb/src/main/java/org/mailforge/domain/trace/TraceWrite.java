package org.mailforge.domain.trace;

import java.time.Instant;
import java.util.List;

/**
 * One change to a message's trace: facts learnt, counts moved, steps added. Writes commute: the
 * counts add up and facts only fill in, so the writes of several nodes may land in any order (a
 * delivery on node B before node A wrote that it queued the message).
 *
 * @param traceId     the message's id (the transaction's, as in its 250 reply)
 * @param at          when
 * @param facts       facts learnt now ({@link TraceFacts#NONE} for none)
 * @param accepted    1 when the message was taken now
 * @param openEntries queue entries opened (positive) or concluded (negative)
 * @param failed      recipients given up on (bounced)
 * @param temporary   temporary refusals (4xx) given to the client
 * @param permanent   permanent refusals (5xx) given to the client
 * @param steps       the steps
 */
public record TraceWrite(String traceId, Instant at, TraceFacts facts, int accepted, int openEntries, int failed,
                         int temporary, int permanent, List<TraceStep> steps) {

    public TraceWrite {
        steps = List.copyOf(steps);
    }

    /** About how many characters the write holds: what it costs the memory while it waits to be written. */
    public int weight() {
        int weight = 64 + length(traceId);
        TraceFacts f = facts;
        for (String text : new String[] {f.node(), f.listener(), f.clientAddress(), f.clientName(), f.helo(), f.tls(), f.authUser(),
                f.sender(), f.messageId(), f.subject(), f.recipients(), f.authentication(), f.scan()}) {
            weight += length(text);
        }
        for (TraceStep step : steps) {
            weight += 48 + length(step.recipient()) + length(step.queueId()) + length(step.reply()) + length(step.detail());
        }
        return weight;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    /** Steps alone. */
    public static TraceWrite steps(String traceId, Instant at, List<TraceStep> steps) {
        return new TraceWrite(traceId, at, TraceFacts.NONE, 0, 0, 0, 0, 0, steps);
    }
}
