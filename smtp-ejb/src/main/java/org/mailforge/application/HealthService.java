package org.mailforge.application;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.infrastructure.config.ServerConfiguration;
import org.mailforge.smtp.ra.ListenerStatistics;

/**
 * Decides whether the server is healthy, for {@code /health} on the API port and for the
 * MicroProfile Health checks, so both always agree.
 */
@ApplicationScoped
public class HealthService {

    /** Below this share of free space on the storage volume the server reports itself unhealthy. */
    static final double MIN_FREE_DISK = 0.10;
    /** Above this share of the maximum heap in use the server reports itself unhealthy. */
    static final double MAX_HEAP_USE = 0.90;

    @Inject
    ServerConfiguration configuration;

    @Inject
    Version version;

    @Resource(lookup = "jdbc/mailforge", shareable = false) // returned to the pool on close, even inside a local transaction
    DataSource dataSource;

    public HealthReport report() {
        List<String> reasons = readinessProblems();
        reasons.addAll(livenessProblems());
        Runtime runtime = Runtime.getRuntime();
        ListenerStatistics connections = ListenerStatistics.global();
        return new HealthReport(reasons.isEmpty() ? "healthy" : "unhealthy",
                version.number(),
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000,
                new HealthReport.Connections(connections.active(), connections.total()),
                new HealthReport.Memory(megabytes(runtime.totalMemory()), megabytes(runtime.totalMemory() - runtime.freeMemory())),
                reasons.isEmpty() ? null : reasons);
    }

    /** Readiness: whether the server can take and store mail now. */
    public List<String> readinessProblems() {
        List<String> problems = new ArrayList<>(databaseProblems());
        problems.addAll(diskProblems());
        if (!ListenerStatistics.global().isListening()) {
            problems.add("SMTP listener is not running");
        }
        return problems;
    }

    /** Liveness: only what a restart would cure. */
    public List<String> livenessProblems() {
        return memoryProblems();
    }

    public List<String> databaseProblems() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2) ? List.of() : List.of("database connection is not valid");
        } catch (Exception e) {
            return List.of("database unreachable: " + e.getMessage());
        }
    }

    public List<String> diskProblems() {
        try {
            FileStore store = Files.getFileStore(configuration.storagePath());
            double free = (double) store.getUsableSpace() / store.getTotalSpace();
            return free < MIN_FREE_DISK
                    ? List.of(String.format("free disk space on the storage volume is %.1f%% (below %.0f%%)", free * 100, MIN_FREE_DISK * 100))
                    : List.of();
        } catch (IOException e) {
            return List.of("storage path unavailable: " + e.getMessage());
        }
    }

    public List<String> memoryProblems() {
        Runtime runtime = Runtime.getRuntime();
        double used = (double) (runtime.totalMemory() - runtime.freeMemory()) / runtime.maxMemory();
        return used > MAX_HEAP_USE
                ? List.of(String.format("heap use is %.0f%% of the maximum (above %.0f%%)", used * 100, MAX_HEAP_USE * 100))
                : List.of();
    }

    private static double megabytes(long bytes) {
        return Math.round(bytes / 1024.0 / 1024.0 * 10) / 10.0;
    }
}
