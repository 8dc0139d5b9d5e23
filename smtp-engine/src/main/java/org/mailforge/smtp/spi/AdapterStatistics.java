package org.mailforge.smtp.spi;

import java.util.Map;
import java.util.function.ToLongFunction;

import org.mailforge.smtp.spi.RateLimit;

/**
 * What the SMTP resource adapter counts about its listeners, for health, statistics and metrics.
 * The adapter publishes it as an administered object (JCA): the application looks it up by JNDI
 * name instead of reaching into the adapter. Counts are since the adapter started; the totals are
 * the sums over the listeners.
 */
public interface AdapterStatistics {

    /** Whether at least one listener socket is bound. */
    boolean isListening();

    /** Each listener's figures by its name ({@code smtp}, {@code submission}, {@code submissions}), in start order. */
    Map<String, ListenerCounts> byListener();

    /** Sessions open now. */
    default long active() {
        return sum(ListenerCounts::active);
    }

    /** Connections accepted since start, including those refused at once. */
    default long total() {
        return sum(ListenerCounts::total);
    }

    /** Connections refused at connect (rate limit, per-address limit, connection limit). */
    default long refused() {
        return sum(ListenerCounts::refused);
    }

    /** Connections refused in the last minute. */
    default long refusedLastMinute() {
        return sum(ListenerCounts::refusedLastMinute);
    }

    /** Connections refused because their address had SMTP_MAX_CONNECTIONS_PER_IP sessions open. */
    default long refusedPerAddress() {
        return sum(ListenerCounts::refusedPerAddress);
    }

    /** Sessions cut off by the stress timeout (more than 80 % of the connection slots taken). */
    default long stressTimeouts() {
        return sum(ListenerCounts::stressTimeouts);
    }

    /** SMTP commands or connections refused by the per-address limit {@code limit}. */
    default long rateLimited(RateLimit limit) {
        return sum(counts -> counts.rateLimited(limit));
    }

    private long sum(ToLongFunction<ListenerCounts> figure) {
        return byListener().values().stream().mapToLong(figure).sum();
    }
}
