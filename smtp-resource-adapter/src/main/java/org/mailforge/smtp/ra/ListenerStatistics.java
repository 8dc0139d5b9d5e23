package org.mailforge.smtp.ra;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.mailforge.smtp.spi.RateLimit;
import org.mailforge.smtp.ratelimit.RateLimitCounters;
import org.mailforge.smtp.spi.ListenerCounts;

/**
 * Connection counters of one of the adapter's SMTP listeners; the adapter owns one per listener
 * kind (they outlive a restart of the listener) and is its only writer. The application reads
 * them through {@link AdapterStatisticsObject}.
 */
final class ListenerStatistics {

    private final AtomicLong active = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong listening = new AtomicLong();
    private final AtomicLong refusedPerAddress = new AtomicLong();
    private final AtomicLong stressTimeouts = new AtomicLong();
    private final RateLimitCounters rateLimits = new RateLimitCounters();
    private final MinuteWindow recentRejections = new MinuteWindow(() -> System.currentTimeMillis() / 1000);

    /** Connections open right now. */
    long active() {
        return active.get();
    }

    /** Connections accepted since start, including those rejected at once. */
    long total() {
        return total.get();
    }

    /** Connections turned away (connection limit). */
    long rejected() {
        return rejected.get();
    }

    /** Connections turned away in the last minute. */
    long rejectedLastMinute() {
        return recentRejections.total();
    }

    /** Connections refused because their address had SMTP_MAX_CONNECTIONS_PER_IP sessions open. */
    long refusedPerAddress() {
        return refusedPerAddress.get();
    }

    /** Sessions cut off by the stress timeout (more than 80 % of the connection slots taken). */
    long stressTimeouts() {
        return stressTimeouts.get();
    }

    /** The refusals of this listener's rate limiter. */
    RateLimitCounters rateLimits() {
        return rateLimits;
    }

    /** The figures now. */
    ListenerCounts counts() {
        Map<RateLimit, Long> limited = new EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            limited.put(limit, rateLimits.refusals(limit));
        }
        return new ListenerCounts(active(), total(), rejected(), rejectedLastMinute(), refusedPerAddress(), stressTimeouts(),
                limited);
    }

    /** Whether the listener's socket is bound. */
    boolean isListening() {
        return listening.get() > 0;
    }

    void opened() {
        total.incrementAndGet();
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    void rejectedOne() {
        total.incrementAndGet();
        rejected.incrementAndGet();
        recentRejections.record();
    }

    /** A connection already counted as open was refused (behind a proxy, once its header named the client). */
    void rejectedOpen() {
        rejected.incrementAndGet();
        recentRejections.record();
    }

    void refusedOnePerAddress() {
        refusedPerAddress.incrementAndGet();
    }

    void stressTimedOut() {
        stressTimeouts.incrementAndGet();
    }

    void listenerStarted() {
        listening.incrementAndGet();
    }

    void listenerStopped() {
        listening.decrementAndGet();
    }
}
