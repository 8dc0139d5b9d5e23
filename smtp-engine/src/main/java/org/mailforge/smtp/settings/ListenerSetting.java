package org.mailforge.smtp.settings;

/**
 * The SMTP listeners: the settings of the three SMTP listeners (MX, submission, implicit TLS): the activation spec of the resource adapter receives each from server.xml, and the application reads the same variables.
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum ListenerSetting implements Setting {

    HOST(Spec.of("SMTP_HOST", "0.0.0.0", Rule.TEXT,
            "Bind address").property("host")),
    PORT(Spec.of("SMTP_PORT", "2525", Rule.PORT,
            "The SMTP listener (25 in production): MX, or submission when `SMTP_ENABLE_AUTH=true`").property("port")),
    SUBMISSION_PORT(Spec.of("SMTP_SUBMISSION_PORT", "2587", Rule.range(0, 65_535),
            "Submission listener (RFC 6409; 587 in production), `0` = off: AUTH required before MAIL (`530 " +
            "5.7.0`), offered only after STARTTLS when TLS is configured, senders checked " +
            "(`SMTP_SENDER_LOGIN_MATCH`)").property("submissionPort")),
    SUBMISSIONS_PORT(Spec.of("SMTP_SUBMISSIONS_PORT", "2465", Rule.range(0, 65_535),
            "Submission over implicit TLS (RFC 8314; 465 in production): the TLS handshake first, then the `220`;" +
            " off while `SMTP_ENABLE_TLS=false`, and with `0`").property("submissionsPort")),
    HOSTNAME(Spec.of("SMTP_HOSTNAME", "localhost", Rule.HOST_NAME,
            "Name in the greeting, EHLO and `Received:` headers; always a local domain").property("hostname")),
    LOCAL_DOMAINS(Spec.of("SMTP_LOCAL_DOMAINS", "", Rule.ANY,
            "Extra comma-separated domains to accept mail for (`localhost` and `SMTP_HOSTNAME` always are)").property("localDomains")),
    MAX_CONNECTIONS(Spec.of("SMTP_MAX_CONNECTIONS", "100", Rule.range(1, 100_000),
            "Concurrent SMTP connections; beyond it clients get `421 4.3.2`. Production: 10,000 (see " +
            "Architecture: sessions are cheap on Java 21+)").property("maxConnections")),
    MAX_CONNECTIONS_PER_IP(Spec.of("SMTP_MAX_CONNECTIONS_PER_IP", "10", Rule.range(0, 100_000),
            "Concurrent sessions per client address (IPv6: per /64), `421 4.7.0` beyond; exempt networks are not " +
            "counted; `0` = no limit").property("maxConnectionsPerIp")),
    STRESS_TIMEOUT_SECONDS(Spec.of("SMTP_STRESS_TIMEOUT_SECONDS", "10", Rule.range(1, 86_400),
            "Stress mode (as Postfix's): while more than 80 % of `SMTP_MAX_CONNECTIONS` are taken, a session that" +
            " has waited this long for its client, new or old, gets `421 4.4.2` and is closed " +
            "(`smtp_stress_timeouts`)").property("stressTimeoutSeconds")),
    MAX_MESSAGE_SIZE(Spec.of("SMTP_MAX_MESSAGE_SIZE", "52428800", Rule.range(1, Long.MAX_VALUE),
            "Largest message in octets, advertised as `SIZE`").property("maxMessageSize")),
    MAX_RECIPIENTS(Spec.of("SMTP_MAX_RECIPIENTS", "100", Rule.range(1, 100_000),
            "Recipients per message (`452 4.5.3` beyond)").property("maxRecipients")),
    TIMEOUT_SECONDS(Spec.of("SMTP_TIMEOUT_SECONDS", "300", Rule.range(1, 86_400),
            "Idle timeout of a session (`421 4.4.2` when exceeded; checked once a second)").property("timeoutSeconds")),
    MAX_SESSION_SECONDS(Spec.of("SMTP_MAX_SESSION_SECONDS", "1800", Rule.range(1, 86_400),
            "Longest total session time, a hard deadline: enforced while reading anything (command lines, DATA, " +
            "BDAT, AUTH, the TLS handshake), so a client that trickles one octet at a time still gets `421 4.4.2`" +
            " at the deadline; a connection that has not ended 15 s after it is closed").property("maxSessionSeconds")),
    AUTH_REQUIRED(Spec.of("SMTP_ENABLE_AUTH", "true", Rule.BOOLEAN,
            "MAIL requires a successful AUTH (`530 5.7.0` otherwise); `false` = MX mode, local domains take mail " +
            "without AUTH").property("authRequired")),
    TLS_ENABLED(Spec.of("SMTP_ENABLE_TLS", "false", Rule.BOOLEAN,
            "STARTTLS (TLS 1.2 and 1.3 only), and implicit TLS on `SMTP_SUBMISSIONS_PORT`, with the PEM files " +
            "below, or without them the certificate ACME gets (`SMTP_ACME_DIRECTORY`)").property("tlsEnabled")),
    TLS_CERTIFICATE(Spec.of("SMTP_TLS_CERT", "", Rule.ANY,
            "PEM certificate chain of the listeners (and of the API's HTTPS port); a renewed file is used by the " +
            "next handshake, without a restart ([certificates](certificates.md))").property("tlsCertificate")),
    TLS_KEY(Spec.of("SMTP_TLS_KEY", "", Rule.ANY,
            "Its unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)").property("tlsKey")),
    PLAINTEXT_AUTH_ALLOWED(Spec.of("SMTP_ALLOW_PLAINTEXT_AUTH", "false", Rule.BOOLEAN,
            "With TLS enabled, AUTH is offered only after STARTTLS (`538 5.7.11` before); `true` allows it in " +
            "plaintext").property("plaintextAuthAllowed")),
    DELIVER_BY_MINIMUM(Spec.of("SMTP_DELIVERBY_MIN_SECONDS", "86400", Rule.range(0, 999_999_999),
            "Advertised as `DELIVERBY`; the smallest `BY=` time accepted with mode `R` (`555 5.5.4` below it)").property("deliverByMinimum")),
    RELAY_ENABLED(Spec.of("SMTP_ALLOW_AUTHENTICATED_RELAY", "true", Rule.BOOLEAN,
            "Authenticated users may send to other domains (queued); `false` refuses them too").property("relayEnabled")),
    REVERSE_DNS(Spec.of("SMTP_REVERSE_DNS", "false", Rule.BOOLEAN,
            "Look up the client's forward-confirmed reverse DNS name for `Received:` (at most 2 s; `unknown` " +
            "otherwise)").property("reverseDns")),
    SENDER_LOGIN_MATCH(Spec.of("SMTP_SENDER_LOGIN_MATCH", "true", Rule.BOOLEAN,
            "Every authenticated session, on every listener, may use only its user's own addresses (its address, " +
            "the aliases that reach it; an administrator: any address of a local domain) as envelope sender (or " +
            "`<>`), and in the header `From:` and `Sender:`; others get `553 5.7.1 ... not owned by user <login>`" +
            " at MAIL, `550 5.7.1` after the data. `false` for trusted relays: then mail that fails the check is " +
            "taken but not DKIM-signed").property("senderLoginMatch")),
    PROXY_PROTOCOL_TRUSTED(Spec.of("SMTP_PROXY_PROTOCOL_TRUSTED", "", Rule.CIDR_LIST,
            "Load balancers, CIDR, comma-separated: their connections must begin with a PROXY protocol header (v1" +
            " or v2, HAProxy's `send-proxy`/`send-proxy-v2`) and the address in it is the client for limits, " +
            "`Received:` and logs; a connection without a valid header is closed. Empty = off").property("proxyProtocolTrusted")),
    RECEIVED_SHOWS_LOGIN(Spec.of("SMTP_RECEIVED_SHOW_LOGIN", "false", Rule.BOOLEAN,
            "Name the authenticated login in our `Received:` header (`Authenticated sender: bob`); off, since " +
            "every recipient reads it").property("receivedShowsLogin")),
    RATE_LIMIT_CONNECTIONS_PER_MINUTE(Spec.of("SMTP_RATE_LIMIT_CONNECTIONS_PER_MINUTE", "10", Rule.range(0, 1_000_000),
            "Per client address (IPv6: per /64); beyond it `421 4.7.0` at connect. `0` switches a limit off").property("rateLimitConnectionsPerMinute")),
    RATE_LIMIT_COMMANDS_PER_MINUTE(Spec.of("SMTP_RATE_LIMIT_COMMANDS_PER_MINUTE", "100", Rule.range(0, 1_000_000),
            "Beyond it `421 4.7.0` and the session ends").property("rateLimitCommandsPerMinute")),
    RATE_LIMIT_AUTH_FAILURES_PER_HOUR(Spec.of("SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR", "5", Rule.range(0, 1_000_000),
            "Failed logins per address, SMTP AUTH and the admin API alike; then every AUTH gets `421 4.7.0` and " +
            "every API login `429` with `Retry-After` until the budget refills, checked before any password is " +
            "hashed. Each account also has 10 times this budget from all addresses together (then `454 4.7.0` / " +
            "`429`; a login verified in the last minute still passes)").property("rateLimitAuthFailuresPerHour")),
    RATE_LIMIT_MESSAGES_PER_HOUR(Spec.of("SMTP_RATE_LIMIT_MESSAGES_PER_HOUR", "20", Rule.range(0, 1_000_000),
            "MAIL commands per address; beyond it `450 4.7.0` (the session goes on)").property("rateLimitMessagesPerHour")),
    RATE_LIMIT_EXEMPT(Spec.of("SMTP_RATE_LIMIT_EXEMPT", "", Rule.CIDR_LIST,
            "Networks never limited, CIDR, comma-separated, e.g. `127.0.0.1/32,10.0.0.0/8` (your own submission " +
            "clients, a load balancer's health checks)").property("rateLimitExempt")),
    SPOOL_PATH(Spec.of("SMTP_SPOOL_PATH", "", Rule.ANY,
            "Where messages over 256 KiB wait while their transaction completes").property("spoolDirectory").shown("the JVM's temporary folder").bundled("${server.output.dir}/data/spool"));

    private final Spec spec;

    ListenerSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
