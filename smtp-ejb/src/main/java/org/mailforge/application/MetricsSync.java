package org.mailforge.application;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

/** Every five seconds: the counters of figures the listener and the rate limiters keep catch up. */
@Singleton
public class MetricsSync {

    @Inject
    MailMetrics metrics;

    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
    void sync() {
        metrics.syncCounts();
    }
}
