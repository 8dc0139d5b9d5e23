package org.mailforge.application.metrics;

import java.time.Instant;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

import org.mailforge.domain.queue.OutboundQueue;

/**
 * The metrics' timers: every five seconds the counters of figures the listener and the rate
 * limiters keep catch up; every minute the traffic history takes its sample.
 */
@Singleton
public class MetricsSync {

    @Inject
    MailMetrics metrics;

    @Inject
    TrafficHistory history;

    @Inject
    OutboundQueue queue;

    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
    void sync() {
        metrics.syncCounts();
    }

    @Schedule(hour = "*", minute = "*", second = "0", persistent = false)
    void sampleTraffic() {
        history.record(Instant.now(), metrics.snapshot().accepted(), queue.countWaiting());
    }
}
