package org.mailforge.infrastructure.storage;

import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

import org.mailforge.application.common.LogText;

/**
 * Whether a store on another server (an S3 bucket, Dovecot's LMTP) answers, for readiness: asked
 * at most every five seconds however often /health is called. /health is public, so the reason
 * goes to the log (once per change from working to failing), never to the caller.
 */
final class RemoteStoreCheck {

    private static final Duration CACHE = Duration.ofSeconds(5);

    /** Asks the remote store; throws when it does not answer. */
    @FunctionalInterface
    interface Probe {
        void run() throws Exception;
    }

    private final String what;
    private final Probe probe;
    private final Logger log;
    private volatile List<String> lastProblems;
    private volatile long checkedAt;

    /**
     * @param what names the store in the problem and the log line ("S3 storage", "LMTP storage")
     */
    RemoteStoreCheck(String what, Probe probe, Logger log) {
        this.what = what;
        this.probe = probe;
        this.log = log;
    }

    List<String> problems() {
        long now = System.nanoTime();
        List<String> cached = lastProblems;
        if (cached != null && now - checkedAt < CACHE.toNanos()) {
            return cached;
        }
        List<String> problems;
        try {
            probe.run();
            problems = List.of();
        } catch (Exception e) {
            problems = List.of(what + " unavailable (details in the server log)");
            if (cached == null || cached.isEmpty()) {
                log.warning(what + " unavailable: " + LogText.escape(String.valueOf(e.getMessage())));
            }
        }
        checkedAt = now;
        lastProblems = problems;
        return problems;
    }
}
