package org.mailforge.application;

import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The body of {@code GET /health}, in the specification's shape (plus the reasons when unhealthy). */
@JsonbPropertyOrder({"status", "version", "uptimeSeconds", "connections", "memory", "reasons"})
public record HealthReport(
        String status,
        String version,
        @JsonbProperty("uptime_seconds") long uptimeSeconds,
        Connections connections,
        Memory memory,
        List<String> reasons) {

    /** Whether the server takes mail: healthy, or degraded (a scanner down while failing open). */
    public boolean healthy() {
        return !"unhealthy".equals(status);
    }

    public record Connections(long active, long total) {
    }

    public record Memory(@JsonbProperty("allocated_mb") double allocatedMb, @JsonbProperty("heap_mb") double heapMb) {
    }
}
