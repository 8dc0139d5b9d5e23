package org.mailforge.smtp.ratelimit;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Refusals per limit since start, for the metrics; SMTP listeners and the REST API both count here. */
public final class RateLimitCounters {

    private static final RateLimitCounters GLOBAL = new RateLimitCounters();

    private final Map<RateLimit, AtomicLong> refused = new EnumMap<>(RateLimit.class);

    private RateLimitCounters() {
        for (RateLimit limit : RateLimit.values()) {
            refused.put(limit, new AtomicLong());
        }
    }

    public static RateLimitCounters global() {
        return GLOBAL;
    }

    public void refused(RateLimit limit) {
        refused.get(limit).incrementAndGet();
    }

    public long refusals(RateLimit limit) {
        return refused.get(limit).get();
    }
}
