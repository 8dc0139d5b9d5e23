package org.mailforge.smtp.ratelimit;

import org.mailforge.smtp.spi.RateLimit;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Refusals per limit since start, for the metrics: one per owner (the SMTP adapter, the REST API). */
public final class RateLimitCounters {

    private final Map<RateLimit, AtomicLong> refused = new EnumMap<>(RateLimit.class);

    public RateLimitCounters() {
        for (RateLimit limit : RateLimit.values()) {
            refused.put(limit, new AtomicLong());
        }
    }

    public void refused(RateLimit limit) {
        refused.get(limit).incrementAndGet();
    }

    public long refusals(RateLimit limit) {
        return refused.get(limit).get();
    }
}
