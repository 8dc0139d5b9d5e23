package org.mailforge.smtp.spi.architecture;

import org.mailforge.smtp.ratelimit.RateLimiter;

/** Breaks the SPI's rule on purpose, for EngineArchitectureTest. */
public class UsesTheLimiter {

    RateLimiter limiter;
}
