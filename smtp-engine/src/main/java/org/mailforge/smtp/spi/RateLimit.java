package org.mailforge.smtp.spi;

import java.time.Duration;

/** The per-address budgets of the specification's "Rate Limiting", each over its own window. */
public enum RateLimit {
    CONNECTIONS("connections", Duration.ofMinutes(1)),
    COMMANDS("commands", Duration.ofMinutes(1)),
    AUTH_FAILURES("auth_failures", Duration.ofHours(1)),
    MESSAGES("messages", Duration.ofHours(1)),
    /** Admin API requests (any endpoint on SMTP_HEALTH_PORT). */
    API_REQUESTS("api_requests", Duration.ofMinutes(1));

    private final String label;
    private final Duration window;

    RateLimit(String label, Duration window) {
        this.label = label;
        this.window = window;
    }

    /** The name used in metrics labels and log lines. */
    public String label() {
        return label;
    }

    public Duration window() {
        return window;
    }
}
