package org.mailforge.interfaces.rest;

import java.lang.management.ManagementFactory;

import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.application.operations.HealthService;
import org.mailforge.smtp.spi.AdapterStatistics;

/** The body of {@code GET /health} (here, where MP OpenAPI finds its schema), in the specification's shape (plus the reasons when unhealthy). */
@JsonbPropertyOrder({"status", "version", "uptimeSeconds", "connections", "memory", "reasons"})
public record HealthReport(
        String status,
        String version,
        @JsonbProperty("uptime_seconds") long uptimeSeconds,
        Connections connections,
        Memory memory,
        List<String> reasons) {

    /** The report of {@code verdict}, with the figures that go with it. */
    static HealthReport of(HealthService.Verdict verdict, String version, AdapterStatistics listener) {
        Runtime runtime = Runtime.getRuntime();
        return new HealthReport(verdict.status(), version, ManagementFactory.getRuntimeMXBean().getUptime() / 1000,
                new Connections(listener.active(), listener.total()),
                new Memory(megabytes(runtime.totalMemory()), megabytes(runtime.totalMemory() - runtime.freeMemory())),
                verdict.reasons().isEmpty() ? null : verdict.reasons());
    }

    private static double megabytes(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }

    public record Connections(long active, long total) {
    }

    public record Memory(@JsonbProperty("allocated_mb") double allocatedMb, @JsonbProperty("heap_mb") double heapMb) {
    }
}
