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
 * The queue's safety net: every SMTP_QUEUE_SWEEP_SECONDS (30), wakes entries overdue by more than
 * that and not being tried, which covers wake-ups lost in a crash and attempts whose node died
 * (their lease expired), and purges failed entries past their retention.
 */
@Singleton
@jakarta.ejb.Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class QueueSweeper {

    private static final Logger LOG = Logger.getLogger(QueueSweeper.class.getName());


    @Inject
    OutboundQueue queue;

    @Inject
    QueueWakeups wakeups;

    @Inject
    OutboundQueueService service;

    @Inject
    org.mailforge.application.config.ServerConfiguration configuration;

    @jakarta.annotation.Resource
    jakarta.ejb.TimerService timers;

    /** Starts the sweep at its interval; a wake-up normally arrives on time, so only entries later than one interval are woken again. */
    @jakarta.annotation.PostConstruct
    void schedule() {
        long interval = configuration.outbound().sweepInterval().toMillis();
        timers.createIntervalTimer(interval, interval, new jakarta.ejb.TimerConfig(null, false));
    }

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

    @jakarta.ejb.Timeout
    public void sweep() {
        try {
            Instant now = clock.instant();
            List<String> overdue = queue.due(now.minus(configuration.outbound().sweepInterval()), now, 1000);
            if (!overdue.isEmpty()) {
                LOG.info(() -> "waking " + overdue.size() + " overdue queue entries");
                overdue.forEach(id -> wakeups.wake(id, Duration.ZERO));
            }
            int purged = service.purgeFailed(now);
            if (purged > 0) {
                LOG.info(() -> "purged " + purged + " failed queue entries past SMTP_QUEUE_FAILED_RETENTION");
            }
        } catch (RuntimeException e) {
            LOG.warning("queue sweep failed, the next one in " + configuration.outbound().sweepInterval().toSeconds() + " s: " + e);
        }
    }
}
