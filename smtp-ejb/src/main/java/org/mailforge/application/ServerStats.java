package org.mailforge.application;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The body of {@code GET /stats}, in the specification's shape. */
@JsonbPropertyOrder({"messages", "connections", "authentication", "spam", "virus", "storage", "performance"})
public record ServerStats(Messages messages, Connections connections, Authentication authentication,
                          Detections spam, Detections virus, Storage storage, Performance performance) {

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
