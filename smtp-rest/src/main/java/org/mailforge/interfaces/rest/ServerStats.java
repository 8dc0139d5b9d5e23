package org.mailforge.interfaces.rest;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.stats.StorageFigures;
import org.mailforge.smtp.spi.AdapterStatistics;

/**
 * The body of {@code GET /stats}, in the specification's shape: counters since start from the
 * metrics, storage from the message index and the outbound queue.
 */
@JsonbPropertyOrder({"messages", "connections", "authentication", "spam", "virus", "storage", "performance"})
public record ServerStats(Messages messages, Connections connections, Authentication authentication,
                          Detections spam, Detections virus, Storage storage, Performance performance) {

    /** The figures now. */
    static ServerStats of(MailMetrics metrics, AdapterStatistics listener, StorageFigures.Figures storage) {
        MailMetrics.Snapshot m = metrics.snapshot();
        long received = m.accepted() + m.rejected();
        return new ServerStats(
                new Messages(received, m.delivered(), storage.queued(), storage.failed()),
                new Connections(listener.active(), listener.total(), listener.refused()),
                new Authentication(m.authSuccesses() + m.authFailures(), m.authSuccesses(), m.authFailures()),
                new Detections(m.spamDetected(), rate(m.spamDetected(), received)),
                new Detections(m.virusDetected(), rate(m.virusDetected(), received)),
                new Storage(storage.storedMessages(), Math.round(storage.storedBytes() / 1024.0 / 1024.0 * 10) / 10.0),
                new Performance(m.averageMs(), m.p95Ms(), m.p99Ms()));
    }

    /** Detected per received message, rounded to four places. */
    private static double rate(long detected, long received) {
        return received == 0 ? 0.0 : Math.round(10_000.0 * detected / received) / 10_000.0;
    }

    public record Messages(long received, long sent, long queued, long failed) {
    }

    public record Connections(long current, long total, long rejected) {
    }

    public record Authentication(long attempts, long successful, long failed) {
    }

    public record Detections(long detected, double rate) {
    }

    public record Storage(@JsonbProperty("messages_stored") long messagesStored,
                          @JsonbProperty("total_size_mb") double totalSizeMb) {
    }

    public record Performance(@JsonbProperty("avg_processing_ms") double averageMs,
                              @JsonbProperty("p95_processing_ms") double p95Ms,
                              @JsonbProperty("p99_processing_ms") double p99Ms) {
    }
}
