package org.mailforge.application.screening;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import org.mailforge.application.config.ScreeningConfiguration;
import org.mailforge.domain.screening.ScreeningRecords;

/**
 * Writes the early-talker passes every two seconds, and once an hour forgets greylisting triplets and early-talker passes that are of no more use, so
 * the tables stay as small as the traffic of the last weeks. In batches of a thousand rows, each
 * its own short transaction, so that a large purge never holds the database's write lock for long.
 * Every node runs it; the deletes are idempotent.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED) // each delete commits on its own (plain JDBC), never in one long transaction
public class ScreeningPurge {

    private static final Logger LOG = Logger.getLogger(ScreeningPurge.class.getName());
    private static final int BATCH = 1000;
    /** At most this many batches an hour: what is left goes the next hour. */
    private static final int MAX_BATCHES = 500;

    @Inject
    ScreeningRecords records;

    @Inject
    ClientScreeningService screening;

    /** Every two seconds: the early-talker passes of the last seconds into the database, off the sessions' threads. */
    @Schedule(hour = "*", minute = "*", second = "*/2", persistent = false)
    void writePasses() {
        screening.writePasses();
    }

    @Schedule(hour = "*", minute = "23", second = "0", persistent = false)
    void purge() {
        Instant now = Instant.now();
        try {
            long removed = 0;
            int batches = 0;
            int last;
            do {
                last = records.purgeTriplets(now.minus(ScreeningConfiguration.GREYLIST_MEMORY),
                        now.minus(ScreeningConfiguration.GREYLIST_RETRY_WINDOW), BATCH);
                removed += last;
            } while (last == BATCH && ++batches < MAX_BATCHES);
            do {
                last = records.purgeGreetingPasses(now, BATCH);
                removed += last;
            } while (last == BATCH && ++batches < MAX_BATCHES);
            long total = removed;
            if (total > 0) {
                LOG.fine(() -> "forgot " + total + " greylisting triplets and early-talker passes");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not purge old greylisting triplets; next hour again", e);
        }
    }
}
