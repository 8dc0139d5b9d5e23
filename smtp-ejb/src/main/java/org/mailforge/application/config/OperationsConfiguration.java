package org.mailforge.application.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.mailforge.smtp.settings.ListenerSetting;
import org.mailforge.smtp.settings.OperationsSetting;
import org.mailforge.smtp.settings.SettingsReader;

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
            "spam.detected", "virus.detected", "user.created", "auth.failed", "account.held", "certificate.issued", "certificate.failed", "domain.check.failed");

    static OperationsConfiguration load(SettingsReader in) {
        String url = in.text(OperationsSetting.WEBHOOK_URL);
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
        String eventList = in.text(OperationsSetting.WEBHOOK_EVENTS, String.join(",", EVENTS));
        Set<String> events = new LinkedHashSet<>();
        for (String event : eventList.split(",")) {
            if (!event.isBlank()) {
                events.add(event.strip());
            }
        }
        List<String> unknown = events.stream().filter(event -> !EVENTS.contains(event)).toList();
        in.require(unknown.isEmpty(), "SMTP_WEBHOOK_EVENTS has unknown events " + unknown + "; known: " + String.join(",", EVENTS));
        String exempt = in.text(ListenerSetting.RATE_LIMIT_EXEMPT);
        String policySecret = in.text(OperationsSetting.DOVECOT_POLICY_SECRET);
        in.require(policySecret == null || policySecret.isBlank() || policySecret.strip().matches("[\\x21-\\x7e]{16,}"),
                "SMTP_DOVECOT_POLICY_SECRET must be at least 16 printable ASCII characters (Dovecot sends it in a header)");
        String proxies = in.text(OperationsSetting.API_TRUSTED_PROXIES);
        String secret = in.text(OperationsSetting.WEBHOOK_SECRET);
        String schedule = in.text(OperationsSetting.WEBHOOK_RETRY_SCHEDULE);
        List<Duration> retrySchedule = OutboundConfiguration.parseSchedule(schedule);
        in.require(retrySchedule != null, "SMTP_WEBHOOK_RETRY_SCHEDULE must be a comma-separated list of delays such as "
                + OperationsSetting.WEBHOOK_RETRY_SCHEDULE.defaultValue() + " (was '" + schedule + "')");
        return new OperationsConfiguration(
                in.integer(OperationsSetting.HEALTH_MIN_FREE_DISK_PERCENT),
                in.integer(OperationsSetting.HEALTH_MAX_HEAP_PERCENT),
                in.integer(OperationsSetting.HEALTH_MAX_FAILED_CONNECTIONS_PER_MINUTE),
                in.integer(OperationsSetting.RATE_LIMIT_API_REQUESTS_PER_MINUTE),
                in.integer(ListenerSetting.RATE_LIMIT_AUTH_FAILURES_PER_HOUR),
                exempt,
                proxies,
                policySecret == null || policySecret.isBlank() ? null : policySecret.strip(),
                webhookUrl,
                Set.copyOf(events),
                secret == null || secret.isBlank() ? null : secret,
                retrySchedule == null ? OutboundConfiguration.parseSchedule(OperationsSetting.WEBHOOK_RETRY_SCHEDULE.defaultValue()) : retrySchedule,
                Duration.ofDays(in.number(OperationsSetting.TRACE_RETENTION_DAYS)));
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
