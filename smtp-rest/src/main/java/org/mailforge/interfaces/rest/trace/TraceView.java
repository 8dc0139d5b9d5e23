package org.mailforge.interfaces.rest.trace;

import java.time.Instant;
import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.domain.trace.MessageTrace;
import org.mailforge.domain.trace.TraceStep;

/** {@code GET /api/trace/{id}}: a message and every step of its journey, oldest first. */
@JsonbPropertyOrder({"message", "steps"})
public record TraceView(TraceSummaryView message, List<StepView> steps) {

    /**
     * One step: what happened (kind), to whom, with which queue entry, how it went, the SMTP reply
     * verbatim, and in words.
     */
    @JsonbPropertyOrder({"at", "kind", "recipient", "queueId", "outcome", "reply", "detail"})
    public record StepView(Instant at, String kind, String recipient, @JsonbProperty("queue_id") String queueId, String outcome,
                           String reply, String detail) {
    }

    static TraceView of(MessageTrace trace) {
        return new TraceView(TraceSummaryView.of(trace.summary()), trace.steps().stream().map(TraceView::step).toList());
    }

    private static StepView step(TraceStep s) {
        return new StepView(s.at(), s.kind().apiName(), s.recipient(), s.queueId(), s.outcome().apiName(), s.reply(), s.detail());
    }
}
