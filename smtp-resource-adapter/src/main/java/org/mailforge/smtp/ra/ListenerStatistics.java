package org.mailforge.smtp.ra;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.mailforge.smtp.ratelimit.RateLimit;

/**
 * Connection counters of every SMTP listener in this server. The application reads them for
 * {@code /health}, {@code /stats} and the Prometheus gauges; the adapter is the only writer.
 */
public final class ListenerStatistics {

    private static final ListenerStatistics GLOBAL = new ListenerStatistics();

    private final AtomicLong active = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong listening = new AtomicLong();
    private final Map<RateLimit, AtomicLong> limited = new EnumMap<>(RateLimit.class);

    private ListenerStatistics() {
        for (RateLimit limit : RateLimit.values()) {
            limited.put(limit, new AtomicLong());
        }
    }

    public static ListenerStatistics global() {
        return GLOBAL;
    }

    /** Connections open right now. */
    public long active() {
        return active.get();
    }

    /** Connections accepted since start, including those rejected at once. */
    public long total() {
        return total.get();
    }

    /** Requests refused by a per-address rate limit. */
    public long rateLimited(RateLimit limit) {
        return limited.get(limit).get();
    }

    /** Connections turned away (connection limit or connection rate). */
    public long rejected() {
        return rejected.get();
    }

    /** Whether at least one listener socket is bound. */
    public boolean isListening() {
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
    }

    void limited(RateLimit limit) {
        limited.get(limit).incrementAndGet();
    }

    void listenerStarted() {
        listening.incrementAndGet();
    }

    void listenerStopped() {
        listening.decrementAndGet();
    }
}
