package org.mailforge.smtp.spi;

import org.mailforge.smtp.ratelimit.RateLimit;

/**
 * What the SMTP resource adapter counts about its listeners, for health, statistics and metrics.
 * The adapter publishes it as an administered object (JCA): the application looks it up by JNDI
 * name instead of reaching into the adapter. Counts are since the adapter started.
 */
public interface AdapterStatistics {

    /** Whether at least one listener socket is bound. */
    boolean isListening();

    /** Sessions open now. */
    long active();

    /** Connections accepted since start, including those refused at once. */
    long total();

    /** Connections refused at connect (rate limit, per-address limit, connection limit). */
    long refused();

    /** Connections refused in the last minute. */
    long refusedLastMinute();

    /** Connections refused because their address had SMTP_MAX_CONNECTIONS_PER_IP sessions open. */
    long refusedPerAddress();

    /** Sessions cut off by the stress timeout (more than 80 % of the connection slots taken). */
    long stressTimeouts();

    /** SMTP commands or connections refused by the per-address limit {@code limit}. */
    long rateLimited(RateLimit limit);
}
