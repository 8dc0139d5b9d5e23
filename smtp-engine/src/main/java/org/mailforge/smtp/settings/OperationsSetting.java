package org.mailforge.smtp.settings;

/**
 * Admin API, health, webhooks and the console: the administrator's side of the server.
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum OperationsSetting implements Setting {

    HEALTH_PORT(Spec.of("SMTP_HEALTH_PORT", "8080", Rule.PORT,
            "Admin API and `/health` (plain HTTP)").bundled("8080").readByLiberty()),
    METRICS_PORT(Spec.of("SMTP_METRICS_PORT", "8081", Rule.PORT,
            "`/metrics` (Prometheus), `/health/live`, `/health/ready`").bundled("8081").readByLiberty()),
    API_HOST(Spec.of("SMTP_API_HOST", "*", Rule.TEXT,
            "Address the plain API port binds, e.g. `127.0.0.1` when remote administrators use HTTPS only").bundled("*").readByLiberty()),
    API_HTTPS_PORT(Spec.of("SMTP_API_HTTPS_PORT", "0", Rule.range(0, 65_535),
            "The admin API and `/health` also on HTTPS, all interfaces, with `SMTP_TLS_CERT` and `SMTP_TLS_KEY` " +
            "(PEM; the files are compared every minute and a renewed certificate is written into Liberty's " +
            "configuration, which Liberty applies without a restart)").shown("0 (off)")),
    API_TRUSTED_PROXIES(Spec.of("SMTP_API_TRUSTED_PROXIES", "", Rule.CIDR_LIST,
            "Networks (CIDR, comma-separated) of reverse proxies in front of the API: from them, the per-address " +
            "API and login budgets count the client `X-Forwarded-For` names (the nearest hop that is not such a " +
            "proxy; address literals only); anyone else's `X-Forwarded-For` is ignored")),
    RATE_LIMIT_API_REQUESTS_PER_MINUTE(Spec.of("SMTP_RATE_LIMIT_API_REQUESTS_PER_MINUTE", "100", Rule.range(0, 1_000_000),
            "Admin API requests per client address (checked before authentication); " +
            "`X-RateLimit-Limit/Remaining/Reset` on every response, `429` with `Retry-After` beyond")),
    DOVECOT_POLICY_SECRET(Spec.of("SMTP_DOVECOT_POLICY_SECRET", null, Rule.ANY,
            "Turns on `/api/dovecot/policy`, Dovecot's auth policy server: IMAP logins then spend and respect the" +
            " same failed-login budgets as SMTP AUTH and the API ([docs/dovecot.md](dovecot.md)); Dovecot sends " +
            "the secret (16+ characters) in `X-Mailforge-Policy`").asSecret()),
    HEALTH_MIN_FREE_DISK_PERCENT(Spec.of("SMTP_HEALTH_MIN_FREE_DISK_PERCENT", "10", Rule.range(0, 100),
            "`/health` is `503 unhealthy` when the storage volume has less free space")),
    HEALTH_MAX_HEAP_PERCENT(Spec.of("SMTP_HEALTH_MAX_HEAP_PERCENT", "90", Rule.range(1, 100),
            "`/health` is `503 unhealthy` when more of the maximum heap is in use (liveness)")),
    HEALTH_MAX_FAILED_CONNECTIONS_PER_MINUTE(Spec.of("SMTP_HEALTH_MAX_FAILED_CONNECTIONS_PER_MINUTE", "100", Rule.range(0, 1_000_000),
            "When more SMTP connections were refused (connection limits, rate limits) in the last minute, " +
            "`/health` says `\"status\": \"degraded\"` with the reason (HTTP 200); clients cause it, so it never " +
            "makes the node unready (`smtp_connections_refused_total` counts them)")),
    WEBHOOK_URL(Spec.of("SMTP_WEBHOOK_URL", null, Rule.ANY,
            "`http(s)://` URL that gets a `POST` per event; unset = no webhooks")),
    WEBHOOK_EVENTS(Spec.of("SMTP_WEBHOOK_EVENTS", null, Rule.ANY,
            "Comma-separated: `message.received`, `message.sent`, `message.failed`, `spam.detected`, " +
            "`virus.detected`, `user.created`, `auth.failed`, `account.held`, `certificate.issued`, " +
            "`certificate.failed`, `domain.check.failed`").shown("all")),
    WEBHOOK_SECRET(Spec.of("SMTP_WEBHOOK_SECRET", null, Rule.ANY,
            "HMAC-SHA256 key: each call carries `X-Webhook-Signature: sha256=<hex of HMAC(body)>`").asSecret()),
    WEBHOOK_RETRY_SCHEDULE(Spec.of("SMTP_WEBHOOK_RETRY_SCHEDULE", "10s,1m,5m,30m,2h", Rule.TEXT,
            "Delays between attempts of a call that failed (no answer or not 2xx); dropped with a log line after " +
            "the last")),
    TRACE_RETENTION_DAYS(Spec.of("SMTP_TRACE_RETENTION_DAYS", "30", Rule.range(0, 3650),
            "How long the message trace keeps what happened to each message and refusal " +
            "([docs/message-trace.md](message-trace.md)); `0` keeps no trace")),
    LOG_LEVEL(Spec.of("SMTP_LOG_LEVEL", "info", Rule.oneOfExactly("debug", "info", "warn", "error"),
            "`debug`, `info`, `warn`, `error` for the `org.mailforge` loggers (Liberty's trace specification, " +
            "`logging-<level>.xml` beside server.xml; `debug` messages go to `logs/trace.log`)").bundled("info").readByLiberty()),
    ADMIN_USERNAME(Spec.of("SMTP_ADMIN_USERNAME", "admin", Rule.TEXT,
            "The administrator created at first start when none exists (1-64 characters of a-z, 0-9, `.`, `_`, " +
            "`-`); also the console's user").bundled("admin").readByLiberty()),
    ADMIN_PASSWORD(Spec.of("SMTP_ADMIN_PASSWORD", null, Rule.ANY,
            "Its password (8+ characters); unset, a generated one is written once to the log at first start").shown("generated").asSecret()),
    ADMIN_EMAIL(Spec.of("SMTP_ADMIN_EMAIL", null, Rule.ANY,
            "Its address").shown("`admin@<SMTP_HOSTNAME>`")),
    ADMIN_CONSOLE(Spec.of("SMTP_ADMIN_CONSOLE", "off", Rule.oneOfExactly("on", "off"),
            "`on` runs the Liberty admin console (`/adminCenter/`)").bundled("off").readByLiberty()),
    ADMIN_CONSOLE_PORT(Spec.of("SMTP_ADMIN_CONSOLE_PORT", "9443", Rule.PORT,
            "The console's HTTPS port").bundled("9443").readByLiberty()),
    ADMIN_CONSOLE_HOST(Spec.of("SMTP_ADMIN_CONSOLE_HOST", "localhost", Rule.TEXT,
            "The address the console binds (`*`: every interface)").bundled("localhost").readByLiberty()),
    ADMIN_CONSOLE_PASSWORD(Spec.of("SMTP_ADMIN_CONSOLE_PASSWORD", null, Rule.ANY,
            "Password of `SMTP_ADMIN_USERNAME` in the console; must be set with `SMTP_ADMIN_CONSOLE=on`").asSecret()),
    KEYSTORE_PASSWORD(Spec.of("SMTP_KEYSTORE_PASSWORD", null, Rule.ANY,
            "Password of the console's key store `resources/security/key.p12`").shown("`keystore_password` of `server.env` (random)").bundled("${keystore_password}").readByLiberty().asSecret());

    private final Spec spec;

    OperationsSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
