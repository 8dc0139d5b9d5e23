package org.mailforge.application.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.mailforge.domain.trace.MessageTrace;
import org.mailforge.domain.trace.TraceQuery;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.domain.trace.TraceStore;
import org.mailforge.domain.trace.TraceWrite;

/** The writes a trace log makes, kept in memory for a unit test to read; nothing is searched. */
public class MemoryTraceStore implements TraceStore {

    public final List<TraceWrite> writes = new ArrayList<>();

    @Override
    public synchronized void write(List<TraceWrite> batch) {
        writes.addAll(batch);
    }

    /** Every step written for this trace, in order. */
    public synchronized List<TraceStep> steps(String traceId) {
        return writes.stream().filter(w -> w.traceId().equals(traceId)).flatMap(w -> w.steps().stream()).toList();
    }

    @Override
    public TracePage search(TraceQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<MessageTrace> find(String id) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean involves(String id, Set<String> addresses, String login) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int purge(Instant before, int batch) {
        return 0;
    }
}
