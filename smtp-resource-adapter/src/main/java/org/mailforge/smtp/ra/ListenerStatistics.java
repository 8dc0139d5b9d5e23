package org.mailforge.smtp.ra;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection counters of the adapter's SMTP listeners; the adapter owns one and is its only
 * writer. The application reads them through {@link AdapterStatisticsObject}.
 */
final class ListenerStatistics {

    /** The figures of an adapter not yet associated: all zero. */
    static final ListenerStatistics NONE = new ListenerStatistics();

    private final AtomicLong active = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong listening = new AtomicLong();
    private final AtomicLong refusedPerAddress = new AtomicLong();
    private final AtomicLong stressTimeouts = new AtomicLong();
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

    /** Whether at least one listener socket is bound. */
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
