package org.mailforge.smtp.ra;

import java.util.concurrent.atomic.AtomicLong;

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
    private final AtomicLong refusedPerAddress = new AtomicLong();
    private final AtomicLong stressTimeouts = new AtomicLong();
    private final MinuteWindow recentRejections = new MinuteWindow(() -> System.currentTimeMillis() / 1000);

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

    /** Connections turned away (connection limit). */
    public long rejected() {
        return rejected.get();
    }

    /** Connections turned away in the last minute. */
    public long rejectedLastMinute() {
        return recentRejections.total();
    }

    /** Connections refused because their address had SMTP_MAX_CONNECTIONS_PER_IP sessions open. */
    public long refusedPerAddress() {
        return refusedPerAddress.get();
    }

    /** Sessions cut off by the stress timeout (more than 80 % of the connection slots taken). */
    public long stressTimeouts() {
        return stressTimeouts.get();
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
