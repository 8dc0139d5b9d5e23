package org.mailforge.application;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.domain.mail.StoredMessageRepository;
import org.mailforge.domain.queue.OutboundQueue;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.smtp.spi.AdapterStatistics;

/**
 * The figures of {@code GET /stats}: counters since start from the metrics, storage from the
 * message index and the outbound queue. Content scanning does not exist yet, so its counts are 0.
 */
@ApplicationScoped
public class StatsService {

    @Inject
    AdapterStatistics listener;

    @Inject
    MailMetrics metrics;

    @Inject
    StoredMessageRepository messages;

    @Inject
    OutboundQueue queue;

    public ServerStats stats() {
        MailMetrics.Snapshot m = metrics.snapshot();
        long received = m.accepted() + m.rejected();
        return new ServerStats(
                new ServerStats.Messages(received, m.delivered(), queue.countWaiting(), queue.count(QueueStatus.FAILED)),
                new ServerStats.Connections(listener.active(), listener.total(), listener.refused()),
                new ServerStats.Authentication(m.authSuccesses() + m.authFailures(), m.authSuccesses(), m.authFailures()),
                new ServerStats.Detections(m.spamDetected(), rate(m.spamDetected(), received)),
                new ServerStats.Detections(m.virusDetected(), rate(m.virusDetected(), received)),
                new ServerStats.Storage(messages.countAll(), Math.round(messages.totalSizeBytes() / 1024.0 / 1024.0 * 10) / 10.0),
                new ServerStats.Performance(m.averageMs(), m.p95Ms(), m.p99Ms()));
    }

    /** Detected per received message, rounded to four places. */
    private static double rate(long detected, long received) {
        return received == 0 ? 0.0 : Math.round(10_000.0 * detected / received) / 10_000.0;
    }
}
