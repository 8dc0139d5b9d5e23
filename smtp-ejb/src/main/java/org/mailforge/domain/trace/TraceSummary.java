package org.mailforge.domain.trace;

import java.time.Instant;

/**
 * A message's trace as a list shows it.
 *
 * @param status refused, deferred (refused for now), queued, delivered or failed ({@link TraceStatus})
 */
public record TraceSummary(String id, Instant firstAt, Instant lastAt, TraceStatus status, TraceFacts facts) {
}
