package org.mailforge.domain.trace;

import java.util.List;

/** A message's whole journey: what is known of it and each step, oldest first. */
public record MessageTrace(TraceSummary summary, List<TraceStep> steps) {

    public MessageTrace {
        steps = List.copyOf(steps);
    }
}
