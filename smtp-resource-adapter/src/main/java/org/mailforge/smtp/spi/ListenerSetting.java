package org.mailforge.smtp.spi;

import java.util.Locale;
import java.util.Optional;

import org.mailforge.smtp.ratelimit.Cidr;

/**
 * Every setting of the SMTP listener, declared once: the environment variable an administrator
 * sets, the activation-spec property server.xml passes it to, its default and its rule. The
 * adapter's activation spec and the application's configuration both read and check values
 * through these constants, so they parse a value the same way and cannot disagree on a default;
 * {@code SettingsAgreementTest} holds server.xml to the same list.
 */
public enum ListenerSetting {

    HOST("SMTP_HOST", "host", "0.0.0.0", Rule.TEXT),
    PORT("SMTP_PORT", "port", "2525", Rule.range(1, 65_535)),
    /** Submission (RFC 6409): AUTH before MAIL, sender identity; 0 = off. */
    SUBMISSION_PORT("SMTP_SUBMISSION_PORT", "submissionPort", "2587", Rule.range(0, 65_535)),
    /** Submission over implicit TLS (RFC 8314); 0 = off, and off while TLS is not configured. */
    SUBMISSIONS_PORT("SMTP_SUBMISSIONS_PORT", "submissionsPort", "2465", Rule.range(0, 65_535)),
    HOSTNAME("SMTP_HOSTNAME", "hostname", "localhost", Rule.HOST_NAME),
    LOCAL_DOMAINS("SMTP_LOCAL_DOMAINS", "localDomains", "", Rule.ANY),
    MAX_CONNECTIONS("SMTP_MAX_CONNECTIONS", "maxConnections", "100", Rule.range(1, 100_000)),
    MAX_CONNECTIONS_PER_IP("SMTP_MAX_CONNECTIONS_PER_IP", "maxConnectionsPerIp", "10", Rule.range(0, 100_000)),
    STRESS_TIMEOUT_SECONDS("SMTP_STRESS_TIMEOUT_SECONDS", "stressTimeoutSeconds", "10", Rule.range(1, 86_400)),
    MAX_MESSAGE_SIZE("SMTP_MAX_MESSAGE_SIZE", "maxMessageSize", "52428800", Rule.range(1, Long.MAX_VALUE)),
    MAX_RECIPIENTS("SMTP_MAX_RECIPIENTS", "maxRecipients", "100", Rule.range(1, 100_000)),
    TIMEOUT_SECONDS("SMTP_TIMEOUT_SECONDS", "timeoutSeconds", "300", Rule.range(1, 86_400)),
    MAX_SESSION_SECONDS("SMTP_MAX_SESSION_SECONDS", "maxSessionSeconds", "1800", Rule.range(1, 86_400)),
    AUTH_REQUIRED("SMTP_ENABLE_AUTH", "authRequired", "true", Rule.BOOLEAN),
    TLS_ENABLED("SMTP_ENABLE_TLS", "tlsEnabled", "false", Rule.BOOLEAN),
    TLS_CERTIFICATE("SMTP_TLS_CERT", "tlsCertificate", "", Rule.ANY),
    TLS_KEY("SMTP_TLS_KEY", "tlsKey", "", Rule.ANY),
    PLAINTEXT_AUTH_ALLOWED("SMTP_ALLOW_PLAINTEXT_AUTH", "plaintextAuthAllowed", "false", Rule.BOOLEAN),
    DELIVER_BY_MINIMUM("SMTP_DELIVERBY_MIN_SECONDS", "deliverByMinimum", "86400", Rule.range(0, 999_999_999)),
    RELAY_ENABLED("SMTP_ALLOW_AUTHENTICATED_RELAY", "relayEnabled", "true", Rule.BOOLEAN),
    REVERSE_DNS("SMTP_REVERSE_DNS", "reverseDns", "false", Rule.BOOLEAN),
    /** An authenticated user may send only from its own addresses (Postfix's reject_authenticated_sender_login_mismatch). */
    SENDER_LOGIN_MATCH("SMTP_SENDER_LOGIN_MATCH", "senderLoginMatch", "true", Rule.BOOLEAN),
    /** Networks (a load balancer) whose connections start with a PROXY protocol header; empty = off. */
    PROXY_PROTOCOL_TRUSTED("SMTP_PROXY_PROTOCOL_TRUSTED", "proxyProtocolTrusted", "", Rule.CIDR_LIST),
    RECEIVED_SHOWS_LOGIN("SMTP_RECEIVED_SHOW_LOGIN", "receivedShowsLogin", "false", Rule.BOOLEAN),
    RATE_LIMIT_CONNECTIONS_PER_MINUTE("SMTP_RATE_LIMIT_CONNECTIONS_PER_MINUTE", "rateLimitConnectionsPerMinute", "10",
            Rule.range(0, 1_000_000)),
    RATE_LIMIT_COMMANDS_PER_MINUTE("SMTP_RATE_LIMIT_COMMANDS_PER_MINUTE", "rateLimitCommandsPerMinute", "100",
            Rule.range(0, 1_000_000)),
    RATE_LIMIT_AUTH_FAILURES_PER_HOUR("SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR", "rateLimitAuthFailuresPerHour", "5",
            Rule.range(0, 1_000_000)),
    RATE_LIMIT_MESSAGES_PER_HOUR("SMTP_RATE_LIMIT_MESSAGES_PER_HOUR", "rateLimitMessagesPerHour", "20",
            Rule.range(0, 1_000_000)),
    RATE_LIMIT_EXEMPT("SMTP_RATE_LIMIT_EXEMPT", "rateLimitExempt", "", Rule.CIDR_LIST),
    /** Empty: the JVM's temporary folder. The bundled server keeps it under its output folder. */
    SPOOL_PATH("SMTP_SPOOL_PATH", "spoolDirectory", "", Rule.ANY, "${server.output.dir}/data/spool");

    private final String variable;
    private final String property;
    private final String defaultValue;
    private final Rule rule;
    private final String bundledDefault;

    ListenerSetting(String variable, String property, String defaultValue, Rule rule) {
        this(variable, property, defaultValue, rule, defaultValue);
    }

    ListenerSetting(String variable, String property, String defaultValue, Rule rule, String bundledDefault) {
        this.variable = variable;
        this.property = property;
        this.defaultValue = defaultValue;
        this.rule = rule;
        this.bundledDefault = bundledDefault;
    }

    /** The environment variable (and server.xml variable) an administrator sets. */
    public String variable() {
        return variable;
    }

    /** The activation-spec property server.xml hands the variable to. */
    public String property() {
        return property;
    }

    /** The value when the variable is not set. */
    public String defaultValue() {
        return defaultValue;
    }

    /** The default of the server.xml variable in the bundled server (the same, except for paths under its folder). */
    public String bundledDefault() {
        return bundledDefault;
    }

    /** The value to use: the default when {@code raw} is null or blank, else {@code raw} stripped. */
    public String orDefault(String raw) {
        return raw == null || raw.isBlank() ? defaultValue : raw.strip();
    }

    /** Why {@code raw} (null or blank: the default) is not acceptable, as "SMTP_PORT must ..."; empty when it is. */
    public Optional<String> problem(String raw) {
        String value = orDefault(raw);
        return rule.problem(value).map(rule -> variable + " " + rule + " (was '" + value + "')");
    }

    /** {@code raw} (or the default) as a number; call only with a value {@link #problem} accepts. */
    public long number(String raw) {
        return Long.parseLong(orDefault(raw));
    }

    /** {@code raw} (or the default) as a whole number of the int range. */
    public int integer(String raw) {
        return Math.toIntExact(number(raw));
    }

    /** {@code raw} (or the default) as a yes/no setting: true, yes, on, 1 or false, no, off, 0. */
    public boolean bool(String raw) {
        return Rule.TRUE_WORDS.contains(orDefault(raw).toLowerCase(Locale.ROOT));
    }

    /** How a setting's value is checked. */
    private interface Rule {

        java.util.Set<String> TRUE_WORDS = java.util.Set.of("true", "yes", "on", "1");
        java.util.Set<String> FALSE_WORDS = java.util.Set.of("false", "no", "off", "0");

        Rule ANY = value -> Optional.empty();
        Rule TEXT = value -> value.isBlank() ? Optional.of("must not be empty") : Optional.empty();
        Rule HOST_NAME = value -> value.isBlank() || value.chars().anyMatch(c -> c <= ' ')
                ? Optional.of("must be a host name") : Optional.empty();
        Rule BOOLEAN = value -> TRUE_WORDS.contains(value.toLowerCase(Locale.ROOT)) || FALSE_WORDS.contains(value.toLowerCase(Locale.ROOT))
                ? Optional.empty() : Optional.of("must be true or false");
        Rule CIDR_LIST = value -> {
            try {
                Cidr.parseList(value);
                return Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.of("must be IP networks in CIDR notation, comma-separated (" + e.getMessage() + ")");
            }
        };

        static Rule range(long min, long max) {
            return value -> {
                try {
                    long number = Long.parseLong(value);
                    if (number >= min && number <= max) {
                        return Optional.empty();
                    }
                } catch (NumberFormatException e) {
                    // the same answer as out of range
                }
                return Optional.of("must be a whole number from " + min + " to " + max);
            };
        }

        /** What is wrong with {@code value}, as "must ..."; empty when nothing is. */
        Optional<String> problem(String value);
    }
}
