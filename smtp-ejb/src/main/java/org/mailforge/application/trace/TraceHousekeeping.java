package org.mailforge.application.trace;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

/**
 * Writes the message trace's queued records every second, and once an hour forgets traces older
 * than SMTP_TRACE_RETENTION_DAYS, in batches, each its own short transaction. Every node runs it;
 * the deletes are idempotent.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED) // plain JDBC, each batch its own local transaction
public class TraceHousekeeping {

    private static final Logger LOG = Logger.getLogger(TraceHousekeeping.class.getName());
    private static final int BATCH = 1000;
    /** At most this many batches an hour: what is left goes the next hour. */
    private static final int MAX_BATCHES = 500;

    @Inject
    TraceLog trace;

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    void write() {
        trace.flush();
    }

    @Schedule(hour = "*", minute = "41", second = "0", persistent = false)
    void purge() {
        try {
            long removed = trace.purge(BATCH, MAX_BATCHES);
            if (removed > 0) {
                LOG.fine(() -> "forgot " + removed + " message traces older than SMTP_TRACE_RETENTION_DAYS");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not purge old message traces; next hour again", e);
        }
    }
}
