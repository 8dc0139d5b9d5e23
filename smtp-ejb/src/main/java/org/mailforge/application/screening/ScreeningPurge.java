package org.mailforge.application.screening;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

import org.mailforge.application.config.ScreeningConfiguration;
import org.mailforge.domain.screening.ScreeningRecords;

/**
 * Once an hour, forgets greylisting triplets and early-talker passes that are of no more use, so
 * the tables stay as small as the traffic of the last weeks. Every node runs it; the deletes are
 * idempotent.
 */
@Singleton
public class ScreeningPurge {

    private static final Logger LOG = Logger.getLogger(ScreeningPurge.class.getName());

    @Inject
    ScreeningRecords records;

    @Schedule(hour = "*", minute = "23", second = "0", persistent = false)
    void purge() {
        Instant now = Instant.now();
        try {
            int removed = records.purge(now.minus(ScreeningConfiguration.GREYLIST_MEMORY),
                    now.minus(ScreeningConfiguration.GREYLIST_RETRY_WINDOW), now);
            if (removed > 0) {
                LOG.fine(() -> "forgot " + removed + " greylisting triplets and early-talker passes");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not purge old greylisting triplets; next hour again", e);
        }
    }
}
