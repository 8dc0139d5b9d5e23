package org.mailforge.domain.trace;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where message traces are kept: written by every node, read by any. */
public interface TraceStore {

    /** Writes these, all or none. */
    void write(List<TraceWrite> writes);

    /** One page of the traces the query finds, newest first, and how many it finds in all (counted up to 10,000). */
    TracePage search(TraceQuery query);

    Optional<MessageTrace> find(String id);

    /** Whether the trace with this id involves one of these addresses (as sender or recipient) or this login. */
    boolean involves(String id, java.util.Set<String> addresses, String login);

    /** Removes up to {@code batch} traces first seen before {@code before}; returns how many. */
    int purge(Instant before, int batch);

    /** A page of summaries and the number of traces found. */
    record TracePage(List<TraceSummary> items, long total) {
        public TracePage {
            items = List.copyOf(items);
        }
    }
}
