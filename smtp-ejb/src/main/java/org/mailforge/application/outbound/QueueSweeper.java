package org.mailforge.application.outbound;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;

import org.mailforge.domain.queue.OutboundQueue;

/**
 * The queue's safety net: every 30 seconds, wakes entries that are overdue and not being tried,
 * which covers wake-ups lost in a crash and attempts whose node died (their lease expired), and
 * purges failed entries past their retention.
 */
@Singleton
@TransactionManagement(TransactionManagementType.BEAN)
public class QueueSweeper {

    private static final Logger LOG = Logger.getLogger(QueueSweeper.class.getName());

    /** A wake-up normally arrives on time; only entries this late are woken again. */
    static final Duration GRACE = Duration.ofSeconds(30);

    @Inject
    OutboundQueue queue;

    @Inject
    QueueWakeups wakeups;

    @Inject
    OutboundQueueService service;

    Clock clock = Clock.systemUTC();

    /** Once an hour: suppressions that ended and sending counts of past days go. */
    @Schedule(hour = "*", minute = "17", second = "30", persistent = false)
    public void purgeControls() {
        try {
            int purged = service.purgeControls(clock.instant());
            if (purged > 0) {
                LOG.fine(() -> "forgot " + purged + " ended suppressions and old sending counts");
            }
        } catch (RuntimeException e) {
            LOG.warning("could not purge ended suppressions and old sending counts; next hour again: " + e);
        }
    }

    @Schedule(hour = "*", minute = "*", second = "*/30", persistent = false)
    public void sweep() {
        try {
            Instant now = clock.instant();
            List<String> overdue = queue.due(now.minus(GRACE), now, 1000);
            if (!overdue.isEmpty()) {
                LOG.info(() -> "waking " + overdue.size() + " overdue queue entries");
                overdue.forEach(id -> wakeups.wake(id, Duration.ZERO));
            }
            int purged = service.purgeFailed(now);
            if (purged > 0) {
                LOG.info(() -> "purged " + purged + " failed queue entries past SMTP_QUEUE_FAILED_RETENTION");
            }
        } catch (RuntimeException e) {
            LOG.warning("queue sweep failed, next one in 30 s: " + e);
        }
    }
}
