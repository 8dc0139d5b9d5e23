package org.mailforge.smtp.spi;

import java.util.Map;

import org.mailforge.smtp.spi.RateLimit;

/**
 * One listener's figures at one moment, counts since the adapter started.
 *
 * @param active            sessions open now
 * @param total             connections accepted, including those refused at once
 * @param refused           connections refused at connect (rate limit, per-address limit, connection limit)
 * @param refusedLastMinute of those, in the last minute
 * @param refusedPerAddress connections refused because their address had SMTP_MAX_CONNECTIONS_PER_IP sessions open
 * @param stressTimeouts    sessions cut off by the stress timeout
 * @param rateLimited       commands or connections refused, per limit
 */
public record ListenerCounts(long active, long total, long refused, long refusedLastMinute, long refusedPerAddress,
                             long stressTimeouts, Map<RateLimit, Long> rateLimited) {

    /** A listener that has not run: nothing counted. */
    public static final ListenerCounts NONE = new ListenerCounts(0, 0, 0, 0, 0, 0, Map.of());

    public ListenerCounts {
        rateLimited = Map.copyOf(rateLimited);
    }

    /** Refusals under {@code limit}. */
    public long rateLimited(RateLimit limit) {
        return rateLimited.getOrDefault(limit, 0L);
    }
}
