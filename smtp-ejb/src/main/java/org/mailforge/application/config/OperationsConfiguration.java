package org.mailforge.application.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.mailforge.smtp.spi.ListenerSetting;

/**
 * Settings of running the server: when it calls itself unhealthy, how much the admin API takes
 * from one address, and where events go (webhooks).
 *
 * @param minFreeDiskPercent        below this free share of the storage volume: unhealthy
 * @param maxHeapPercent            above this share of the maximum heap in use: unhealthy
 * @param maxFailedConnectionsPerMinute refused SMTP connections (limits, rates) per minute above which: unhealthy
 * @param apiRequestsPerMinute      admin API requests per client address and minute, 0 = no limit
 * @param authFailuresPerHour       failed logins per client address and hour (SMTP AUTH and the API alike), 0 = no limit
 * @param rateLimitExempt           networks (CIDR) never rate limited, SMTP and API alike
 * @param dovecotPolicySecret       the value Dovecot sends in {@code X-Mailforge-Policy} to ask about IMAP logins
 *                                  (SMTP_DOVECOT_POLICY_SECRET, 16+ characters); null: the policy endpoint is off
 * @param apiTrustedProxies         networks (CIDR) of reverse proxies in front of the API whose {@code X-Forwarded-For}
 *                                  names the client the API's per-address budgets count (SMTP_API_TRUSTED_PROXIES)
 * @param webhookUrl                where events are posted, or null for none
 * @param webhookEvents             the events to post
 * @param webhookSecret             HMAC-SHA256 key of the {@code X-Webhook-Signature} header, or null to send unsigned
 * @param webhookRetrySchedule      delays between the attempts to post an event; one attempt more than delays
 * @param traceRetention            how long the message trace keeps a message (SMTP_TRACE_RETENTION_DAYS; zero: no trace)
 */
public record OperationsConfiguration(
        int minFreeDiskPercent,
        int maxHeapPercent,
        int maxFailedConnectionsPerMinute,
        int apiRequestsPerMinute,
        int authFailuresPerHour,
        String rateLimitExempt,
        String apiTrustedProxies,
        String dovecotPolicySecret,
        URI webhookUrl,
        Set<String> webhookEvents,
        String webhookSecret,
        List<Duration> webhookRetrySchedule,
        Duration traceRetention) {

    /** Every event of the specification's "WebHooks". */
    public static final List<String> EVENTS = List.of("message.received", "message.sent", "message.failed",
            "spam.detected", "virus.detected", "user.created", "auth.failed", "account.held");

    public static final String DEFAULT_WEBHOOK_RETRY_SCHEDULE = "10s,1m,5m,30m,2h";

    static OperationsConfiguration load(ConfigReader in) {
        String url = in.string("SMTP_WEBHOOK_URL", null);
        URI webhookUrl = null;
        if (url != null && !url.isBlank()) {
            try {
                webhookUrl = URI.create(url.strip());
                in.require(("http".equals(webhookUrl.getScheme()) || "https".equals(webhookUrl.getScheme())) && webhookUrl.getHost() != null,
                        "SMTP_WEBHOOK_URL must be an http:// or https:// URL (was '" + url + "')");
            } catch (IllegalArgumentException e) {
                in.require(false, "SMTP_WEBHOOK_URL must be an http:// or https:// URL (was '" + url + "')");
            }
        }
        String eventList = in.string("SMTP_WEBHOOK_EVENTS", String.join(",", EVENTS));
        Set<String> events = new LinkedHashSet<>();
        for (String event : eventList.split(",")) {
            if (!event.isBlank()) {
                events.add(event.strip());
            }
        }
        List<String> unknown = events.stream().filter(event -> !EVENTS.contains(event)).toList();
        in.require(unknown.isEmpty(), "SMTP_WEBHOOK_EVENTS has unknown events " + unknown + "; known: " + String.join(",", EVENTS));
        String exempt = in.listener(ListenerSetting.RATE_LIMIT_EXEMPT);
        String policySecret = in.string("SMTP_DOVECOT_POLICY_SECRET", null);
        in.require(policySecret == null || policySecret.isBlank() || policySecret.strip().matches("[\\x21-\\x7e]{16,}"),
                "SMTP_DOVECOT_POLICY_SECRET must be at least 16 printable ASCII characters (Dovecot sends it in a header)");
        String proxies = in.string("SMTP_API_TRUSTED_PROXIES", "");
        try {
            org.mailforge.smtp.ratelimit.Cidr.parseList(proxies);
        } catch (IllegalArgumentException e) {
            in.require(false, "SMTP_API_TRUSTED_PROXIES must be networks in CIDR notation, comma-separated (was '" + proxies + "')");
            proxies = "";
        }
        String secret = in.string("SMTP_WEBHOOK_SECRET", null);
        String schedule = in.string("SMTP_WEBHOOK_RETRY_SCHEDULE", DEFAULT_WEBHOOK_RETRY_SCHEDULE);
        List<Duration> retrySchedule = OutboundConfiguration.parseSchedule(schedule);
        in.require(retrySchedule != null, "SMTP_WEBHOOK_RETRY_SCHEDULE must be a comma-separated list of delays such as "
                + DEFAULT_WEBHOOK_RETRY_SCHEDULE + " (was '" + schedule + "')");
        return new OperationsConfiguration(
                (int) in.number("SMTP_HEALTH_MIN_FREE_DISK_PERCENT", 10, 0, 100),
                (int) in.number("SMTP_HEALTH_MAX_HEAP_PERCENT", 90, 1, 100),
                (int) in.number("SMTP_HEALTH_MAX_FAILED_CONNECTIONS_PER_MINUTE", 100, 0, 1_000_000),
                (int) in.number("SMTP_RATE_LIMIT_API_REQUESTS_PER_MINUTE", 100, 0, 1_000_000),
                in.listenerInt(ListenerSetting.RATE_LIMIT_AUTH_FAILURES_PER_HOUR),
                exempt,
                proxies,
                policySecret == null || policySecret.isBlank() ? null : policySecret.strip(),
                webhookUrl,
                Set.copyOf(events),
                secret == null || secret.isBlank() ? null : secret,
                retrySchedule == null ? OutboundConfiguration.parseSchedule(DEFAULT_WEBHOOK_RETRY_SCHEDULE) : retrySchedule,
                Duration.ofDays(in.number("SMTP_TRACE_RETENTION_DAYS", 30, 0, 3650)));
    }

    public boolean webhookWanted(String event) {
        return webhookUrl != null && webhookEvents.contains(event);
    }

    @Override
    public String toString() {
        return "health(disk>=" + minFreeDiskPercent + "%, heap<=" + maxHeapPercent + "%, failed connections<="
                + maxFailedConnectionsPerMinute + "/min), api " + apiRequestsPerMinute + "/min, webhook "
                + (webhookUrl == null ? "off" : webhookUrl + " " + Arrays.toString(webhookEvents.toArray())
                        + (webhookSecret == null ? " unsigned" : " signed"));
    }
}
