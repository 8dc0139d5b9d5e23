package org.mailforge.application.operations;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.smtp.spi.AdapterStatistics;
import org.mailforge.application.common.LogText;

/**
 * Decides whether the server is healthy, for {@code /health} on the API port and for the
 * MicroProfile Health checks, so both always agree.
 */
@ApplicationScoped
public class HealthService {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(HealthService.class.getName());
    private final java.util.Map<String, String> lastLogged = new java.util.concurrent.ConcurrentHashMap<>();

    @Inject
    AdapterStatistics listener;

    @Inject
    ServerConfiguration configuration;

    @Inject
    org.mailforge.domain.mail.MailStore store;

    @Inject
    ResourceProbes resources;

    @Inject
    org.mailforge.application.scanning.ContentScreening screening;

    @Inject
    org.mailforge.application.verification.InboundAuthentication authentication;

    /**
     * The verdict of {@code GET /health}: unhealthy when not ready or not live; degraded (still in
     * service) for what clients do to us (refused connections), a scanner that is down with
     * SMTP_SCANNER_FAIL_OPEN=true and a DNS that does not answer the sender checks, since mail
     * still flows.
     */
    public Verdict verdict() {
        List<String> reasons = readinessProblems();
        reasons.addAll(livenessProblems());
        List<String> degraded = new ArrayList<>(connectionProblems());
        if (screening.failOpen()) {
            degraded.addAll(screening.problems());
        }
        degraded.addAll(authentication.problems()); // the checks record temperror; mail still flows
        String status = !reasons.isEmpty() ? "unhealthy" : degraded.isEmpty() ? "healthy" : "degraded";
        reasons.addAll(degraded);
        return new Verdict(status, List.copyOf(reasons));
    }

    /** healthy, degraded or unhealthy, and why when not healthy. */
    public record Verdict(String status, List<String> reasons) {

        /** Whether the server takes mail: healthy, or degraded. */
        public boolean healthy() {
            return !"unhealthy".equals(status);
        }
    }

    /**
     * Readiness: whether the server can take and store mail now. Only what the node itself can
     * do counts: nothing a client sends (refused connections, say) may take it out of a load
     * balancer's rotation.
     */
    public List<String> readinessProblems() {
        List<String> problems = new ArrayList<>(databaseProblems());
        problems.addAll(diskProblems());
        problems.addAll(store.problems());
        problems.addAll(messagingProblems());
        if (!screening.failOpen()) {
            problems.addAll(screening.problems()); // mail is deferred while a scanner is down
        }
        if (!listener.isListening()) {
            problems.add("SMTP listener is not running");
        }
        return problems;
    }

    /** Liveness: only what a restart would cure. */
    public List<String> livenessProblems() {
        return memoryProblems();
    }

    public List<String> databaseProblems() {
        try {
            return resources.databaseAnswers() ? List.of() : List.of("database connection is not valid");
        } catch (Exception e) {
            return List.of(logged("database unreachable", e));
        }
    }

    /** The outbound queue's messaging engine (the embedded one, or Artemis when configured). */
    public List<String> messagingProblems() {
        try {
            resources.messagingAnswers();
            return List.of();
        } catch (RuntimeException e) {
            return List.of(logged("messaging engine unavailable", e));
        }
    }

    /**
     * Free space where this server writes mail: the storage path for the file stores, the queue
     * folder when mail itself lives in the database or S3 (the queue still needs local disk).
     */
    public List<String> diskProblems() {
        boolean remote = configuration.storage().type().remote();
        java.nio.file.Path volume = remote ? configuration.outbound().queuePath() : configuration.storage().path();
        try {
            FileStore store = Files.getFileStore(volume);
            double free = 100.0 * store.getUsableSpace() / store.getTotalSpace();
            int minimum = configuration.operations().minFreeDiskPercent();
            return free < minimum
                    ? List.of(String.format("free disk space on the storage volume is %.1f%% (below %d%%)", free, minimum))
                    : List.of();
        } catch (IOException e) {
            return List.of(logged((remote ? "queue" : "storage") + " path unavailable", e));
        }
    }

    /**
     * The heap as the last garbage collection left it, against SMTP_HEALTH_MAX_HEAP_PERCENT: what
     * is still in use after a collection is what a restart would cure. Garbage waiting for the next
     * collection (a client's large message just read, say) is not counted, so a burst of big mail
     * cannot make the liveness probe restart the server.
     */
    public List<String> memoryProblems() {
        long afterCollection = heapAfterLastCollection();
        long used = afterCollection >= 0 ? afterCollection : Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        double percent = 100.0 * used / Runtime.getRuntime().maxMemory();
        int maximum = configuration.operations().maxHeapPercent();
        return percent > maximum
                ? List.of(String.format("heap use is %.0f%% of the maximum%s (above %d%%)", percent,
                        afterCollection >= 0 ? " after the last collection" : "", maximum))
                : List.of();
    }

    /**
     * Octets of heap in use right after the most recent collection; -1 before the first one (or
     * without HotSpot's management beans).
     */
    static long heapAfterLastCollection() {
        try {
            return afterLastCollection();
        } catch (LinkageError | RuntimeException e) {
            return -1;
        }
    }

    private static long afterLastCollection() {
        com.sun.management.GcInfo latest = null;
        for (java.lang.management.GarbageCollectorMXBean bean : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof com.sun.management.GarbageCollectorMXBean collector) {
                com.sun.management.GcInfo info = collector.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return -1;
        }
        java.util.Set<String> heapPools = new java.util.HashSet<>();
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        long used = 0;
        for (java.util.Map.Entry<String, java.lang.management.MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }

    /**
     * Many refused connections in a short time: an attack, or too small limits for the load. It
     * makes {@code /health} "degraded" (HTTP 200), never unready: an attacker controls it.
     */
    public List<String> connectionProblems() {
        long refused = listener.refusedLastMinute();
        int maximum = configuration.operations().maxFailedConnectionsPerMinute();
        return refused > maximum
                ? List.of("refused SMTP connections in the last minute: " + refused + " (above " + maximum + ")")
                : List.of();
    }

    /**
     * {@code /health} is public: a problem is named there, its exception text goes to the log,
     * once for each new text rather than at every probe.
     */
    private String logged(String problem, Exception e) {
        String detail = LogText.escape(String.valueOf(e.getMessage()));
        if (!detail.equals(lastLogged.put(problem, detail))) {
            LOG.warning(problem + ": " + detail);
        }
        return problem + " (details in the server log)";
    }
}
