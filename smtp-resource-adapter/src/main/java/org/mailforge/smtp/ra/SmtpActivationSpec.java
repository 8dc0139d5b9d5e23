package org.mailforge.smtp.ra;

import org.mailforge.smtp.spi.ListenerKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.ratelimit.Cidr;
import org.mailforge.smtp.ratelimit.ConcurrentSessions;
import org.mailforge.smtp.spi.RateLimit;
import org.mailforge.smtp.ratelimit.RateLimiter;
import org.mailforge.smtp.settings.ListenerSetting;
import org.mailforge.smtp.spi.SmtpMessageListener;
import org.mailforge.smtp.spi.SmtpMessageListener;
import org.mailforge.smtp.tls.ServerTls;

/**
 * One SMTP listener, configured per message-driven bean in server.xml from the {@code SMTP_*}
 * variables. Every property is a {@link ListenerSetting}: its default, its rule and its parsing
 * live there, shared with the application's configuration. Properties are strings, so a value is
 * read exactly as the application reads it ({@code yes} is true in both). Nothing deploy-specific
 * belongs in the bean's annotations: those would win over server.xml.
 */
@Activation(messageListeners = SmtpMessageListener.class)
public class SmtpActivationSpec implements ActivationSpec {

    /** About 200 bytes each: the rate limiter's memory stays under 20 MB whatever the traffic. */
    private static final int MAX_TRACKED_ADDRESSES = 100_000;

    private ResourceAdapter resourceAdapter;
    private final Map<ListenerSetting, String> values = new EnumMap<>(ListenerSetting.class);

    /** The value of {@code setting}: what server.xml gave, or its default. */
    String get(ListenerSetting setting) {
        return setting.orDefault(values.get(setting));
    }

    private long number(ListenerSetting setting) {
        return setting.number(values.get(setting));
    }

    private int integer(ListenerSetting setting) {
        return setting.integer(values.get(setting));
    }

    private boolean bool(ListenerSetting setting) {
        return setting.bool(values.get(setting));
    }

    @Override
    public void validate() throws InvalidPropertyException {
        List<String> problems = new ArrayList<>();
        for (ListenerSetting setting : ListenerSetting.values()) {
            setting.problem(values.get(setting)).ifPresent(problems::add);
        }
        if (problems.isEmpty() && bool(ListenerSetting.TLS_ENABLED)
                && get(ListenerSetting.TLS_CERTIFICATE).isEmpty() != get(ListenerSetting.TLS_KEY).isEmpty()) {
            problems.add("SMTP_TLS_CERT and SMTP_TLS_KEY must be set together (or neither, for a certificate the application"
                    + " manages: SMTP_ACME_DIRECTORY)");
        }
        if (problems.isEmpty()) {
            Set<Integer> ports = new java.util.HashSet<>();
            for (ListenerKind kind : listeners()) {
                if (!ports.add(port(kind))) {
                    problems.add(portSetting(kind).variable() + " must differ from the other listeners' ports (was "
                            + port(kind) + ")");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPropertyException(String.join("; ", problems));
        }
    }

    /**
     * The listeners this configuration runs: the SMTP port always, submission unless its port is
     * 0, submission over implicit TLS unless its port is 0 or TLS is not configured.
     */
    List<ListenerKind> listeners() {
        List<ListenerKind> kinds = new ArrayList<>();
        kinds.add(ListenerKind.SMTP);
        if (port(ListenerKind.SUBMISSION) > 0) {
            kinds.add(ListenerKind.SUBMISSION);
        }
        if (port(ListenerKind.SUBMISSIONS) > 0 && bool(ListenerSetting.TLS_ENABLED)) {
            kinds.add(ListenerKind.SUBMISSIONS);
        }
        return kinds;
    }

    int port(ListenerKind kind) {
        return integer(portSetting(kind));
    }

    /** The setting that holds a listener's port. */
    static ListenerSetting portSetting(ListenerKind kind) {
        return switch (kind) {
            case SMTP -> ListenerSetting.PORT;
            case SUBMISSION -> ListenerSetting.SUBMISSION_PORT;
            case SUBMISSIONS -> ListenerSetting.SUBMISSIONS_PORT;
        };
    }

    /**
     * The protocol engine's view of this configuration for one listener. A submission listener
     * always requires AUTH and never offers it in plaintext when TLS is configured; the SMTP
     * listener does as SMTP_ENABLE_AUTH and SMTP_ALLOW_PLAINTEXT_AUTH say. Senders are checked
     * against the login (SMTP_SENDER_LOGIN_MATCH) in every authenticated session on every listener:
     * AUTH on the MX port is no way around it.
     */
    SmtpSettings toSettings(ListenerKind kind) {
        boolean authRequired = kind.submission() || bool(ListenerSetting.AUTH_REQUIRED);
        Set<String> domains = new LinkedHashSet<>(Arrays.asList(get(ListenerSetting.LOCAL_DOMAINS).split(",")));
        String spoolDirectory = get(ListenerSetting.SPOOL_PATH);
        Path spool = spoolDirectory.isEmpty()
                ? Path.of(System.getProperty("java.io.tmpdir"), "mailforge-spool")
                : Path.of(spoolDirectory);
        return new SmtpSettings(get(ListenerSetting.HOSTNAME), domains, number(ListenerSetting.MAX_MESSAGE_SIZE),
                integer(ListenerSetting.MAX_RECIPIENTS), Duration.ofSeconds(integer(ListenerSetting.TIMEOUT_SECONDS)),
                Duration.ofSeconds(integer(ListenerSetting.MAX_SESSION_SECONDS)), 20, 256 * 1024, spool,
                authRequired, bool(ListenerSetting.RELAY_ENABLED),
                !kind.submission() && bool(ListenerSetting.PLAINTEXT_AUTH_ALLOWED),
                number(ListenerSetting.DELIVER_BY_MINIMUM),
                bool(ListenerSetting.RECEIVED_SHOWS_LOGIN), bool(ListenerSetting.SENDER_LOGIN_MATCH));
    }

    /** Networks whose connections must begin with a PROXY protocol header. */
    List<Cidr> proxyProtocolTrusted() {
        return Cidr.parseList(get(ListenerSetting.PROXY_PROTOCOL_TRUSTED));
    }

    /** Shared by this activation's listeners (built on first use). */
    private RateLimiter sharedLimiter;
    private ConcurrentSessions sharedSessions;

    /**
     * The per-address limits of every listener of this configuration together: a client's
     * connections, commands, messages and failed logins on port 25, 587 and 465 spend one budget
     * (each listener counts its own refusals through {@link RateLimiter#budgetFor(java.net.InetAddress, Consumer)}).
     */
    synchronized RateLimiter sharedRateLimiter() {
        if (sharedLimiter == null) {
            sharedLimiter = rateLimiter(limit -> { });
        }
        return sharedLimiter;
    }

    /** The sessions a client address has open on any of this configuration's listeners. */
    synchronized ConcurrentSessions sharedConcurrentSessions() {
        if (sharedSessions == null) {
            sharedSessions = concurrentSessions();
        }
        return sharedSessions;
    }

    /** The per-address limits; every refusal is reported to {@code onLimited}. */
    RateLimiter rateLimiter(Consumer<RateLimit> onLimited) {
        Map<RateLimit, Integer> limits = new EnumMap<>(RateLimit.class);
        limits.put(RateLimit.CONNECTIONS, integer(ListenerSetting.RATE_LIMIT_CONNECTIONS_PER_MINUTE));
        limits.put(RateLimit.COMMANDS, integer(ListenerSetting.RATE_LIMIT_COMMANDS_PER_MINUTE));
        limits.put(RateLimit.AUTH_FAILURES, integer(ListenerSetting.RATE_LIMIT_AUTH_FAILURES_PER_HOUR));
        limits.put(RateLimit.MESSAGES, integer(ListenerSetting.RATE_LIMIT_MESSAGES_PER_HOUR));
        return new RateLimiter(limits, exemptNetworks(), MAX_TRACKED_ADDRESSES, System::nanoTime, onLimited);
    }

    private List<Cidr> exemptNetworks() {
        return Cidr.parseList(get(ListenerSetting.RATE_LIMIT_EXEMPT));
    }

    /** Open sessions per client address; exempt networks are not counted. */
    ConcurrentSessions concurrentSessions() {
        return new ConcurrentSessions(integer(ListenerSetting.MAX_CONNECTIONS_PER_IP), exemptNetworks());
    }

    String host() {
        return get(ListenerSetting.HOST);
    }

    int maxConnections() {
        return integer(ListenerSetting.MAX_CONNECTIONS);
    }

    Duration stressTimeout() {
        return Duration.ofSeconds(integer(ListenerSetting.STRESS_TIMEOUT_SECONDS));
    }

    boolean reverseDnsEnabled() {
        return bool(ListenerSetting.REVERSE_DNS);
    }

    /**
     * The listeners' TLS: off; the PEM files of SMTP_TLS_CERT and SMTP_TLS_KEY (read again when
     * they change); or, with TLS enabled and no files, the certificate {@code application} manages
     * (ACME), which it may not have yet.
     */
    ServerTls serverTls(SmtpMessageListener application) throws InvalidPropertyException {
        if (!bool(ListenerSetting.TLS_ENABLED)) {
            return ServerTls.off();
        }
        if (get(ListenerSetting.TLS_CERTIFICATE).isEmpty()) {
            return ServerTls.fromApplication(application::serverCertificate);
        }
        try {
            return ServerTls.fromPem(Path.of(get(ListenerSetting.TLS_CERTIFICATE)), Path.of(get(ListenerSetting.TLS_KEY)));
        } catch (java.io.IOException | java.security.GeneralSecurityException | RuntimeException e) {
            throw new InvalidPropertyException("SMTP_TLS_CERT and SMTP_TLS_KEY must name a readable PEM certificate and unencrypted key ("
                    + e.getMessage() + ")");
        }
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        this.resourceAdapter = ra;
    }

    // The JavaBean properties server.xml sets (properties.smtp-ear.smtp-resource-adapter), one per ListenerSetting.

    public String getHost() {
        return get(ListenerSetting.HOST);
    }

    @ConfigProperty
    public void setHost(String value) {
        values.put(ListenerSetting.HOST, value);
    }

    public String getPort() {
        return get(ListenerSetting.PORT);
    }

    @ConfigProperty
    public void setPort(String value) {
        values.put(ListenerSetting.PORT, value);
    }

    public String getSubmissionPort() {
        return get(ListenerSetting.SUBMISSION_PORT);
    }

    @ConfigProperty
    public void setSubmissionPort(String value) {
        values.put(ListenerSetting.SUBMISSION_PORT, value);
    }

    public String getSubmissionsPort() {
        return get(ListenerSetting.SUBMISSIONS_PORT);
    }

    @ConfigProperty
    public void setSubmissionsPort(String value) {
        values.put(ListenerSetting.SUBMISSIONS_PORT, value);
    }

    public String getSenderLoginMatch() {
        return get(ListenerSetting.SENDER_LOGIN_MATCH);
    }

    @ConfigProperty
    public void setSenderLoginMatch(String value) {
        values.put(ListenerSetting.SENDER_LOGIN_MATCH, value);
    }

    public String getProxyProtocolTrusted() {
        return get(ListenerSetting.PROXY_PROTOCOL_TRUSTED);
    }

    @ConfigProperty
    public void setProxyProtocolTrusted(String value) {
        values.put(ListenerSetting.PROXY_PROTOCOL_TRUSTED, value);
    }

    public String getHostname() {
        return get(ListenerSetting.HOSTNAME);
    }

    @ConfigProperty
    public void setHostname(String value) {
        values.put(ListenerSetting.HOSTNAME, value);
    }

    public String getLocalDomains() {
        return get(ListenerSetting.LOCAL_DOMAINS);
    }

    @ConfigProperty
    public void setLocalDomains(String value) {
        values.put(ListenerSetting.LOCAL_DOMAINS, value);
    }

    public String getMaxConnections() {
        return get(ListenerSetting.MAX_CONNECTIONS);
    }

    @ConfigProperty
    public void setMaxConnections(String value) {
        values.put(ListenerSetting.MAX_CONNECTIONS, value);
    }

    public String getMaxConnectionsPerIp() {
        return get(ListenerSetting.MAX_CONNECTIONS_PER_IP);
    }

    @ConfigProperty
    public void setMaxConnectionsPerIp(String value) {
        values.put(ListenerSetting.MAX_CONNECTIONS_PER_IP, value);
    }

    public String getStressTimeoutSeconds() {
        return get(ListenerSetting.STRESS_TIMEOUT_SECONDS);
    }

    @ConfigProperty
    public void setStressTimeoutSeconds(String value) {
        values.put(ListenerSetting.STRESS_TIMEOUT_SECONDS, value);
    }

    public String getMaxMessageSize() {
        return get(ListenerSetting.MAX_MESSAGE_SIZE);
    }

    @ConfigProperty
    public void setMaxMessageSize(String value) {
        values.put(ListenerSetting.MAX_MESSAGE_SIZE, value);
    }

    public String getMaxRecipients() {
        return get(ListenerSetting.MAX_RECIPIENTS);
    }

    @ConfigProperty
    public void setMaxRecipients(String value) {
        values.put(ListenerSetting.MAX_RECIPIENTS, value);
    }

    public String getTimeoutSeconds() {
        return get(ListenerSetting.TIMEOUT_SECONDS);
    }

    @ConfigProperty
    public void setTimeoutSeconds(String value) {
        values.put(ListenerSetting.TIMEOUT_SECONDS, value);
    }

    public String getMaxSessionSeconds() {
        return get(ListenerSetting.MAX_SESSION_SECONDS);
    }

    @ConfigProperty
    public void setMaxSessionSeconds(String value) {
        values.put(ListenerSetting.MAX_SESSION_SECONDS, value);
    }

    public String getAuthRequired() {
        return get(ListenerSetting.AUTH_REQUIRED);
    }

    @ConfigProperty
    public void setAuthRequired(String value) {
        values.put(ListenerSetting.AUTH_REQUIRED, value);
    }

    public String getTlsEnabled() {
        return get(ListenerSetting.TLS_ENABLED);
    }

    @ConfigProperty
    public void setTlsEnabled(String value) {
        values.put(ListenerSetting.TLS_ENABLED, value);
    }

    public String getTlsCertificate() {
        return get(ListenerSetting.TLS_CERTIFICATE);
    }

    @ConfigProperty
    public void setTlsCertificate(String value) {
        values.put(ListenerSetting.TLS_CERTIFICATE, value);
    }

    public String getTlsKey() {
        return get(ListenerSetting.TLS_KEY);
    }

    @ConfigProperty
    public void setTlsKey(String value) {
        values.put(ListenerSetting.TLS_KEY, value);
    }

    public String getPlaintextAuthAllowed() {
        return get(ListenerSetting.PLAINTEXT_AUTH_ALLOWED);
    }

    @ConfigProperty
    public void setPlaintextAuthAllowed(String value) {
        values.put(ListenerSetting.PLAINTEXT_AUTH_ALLOWED, value);
    }

    public String getDeliverByMinimum() {
        return get(ListenerSetting.DELIVER_BY_MINIMUM);
    }

    @ConfigProperty
    public void setDeliverByMinimum(String value) {
        values.put(ListenerSetting.DELIVER_BY_MINIMUM, value);
    }

    public String getRelayEnabled() {
        return get(ListenerSetting.RELAY_ENABLED);
    }

    @ConfigProperty
    public void setRelayEnabled(String value) {
        values.put(ListenerSetting.RELAY_ENABLED, value);
    }

    public String getReverseDns() {
        return get(ListenerSetting.REVERSE_DNS);
    }

    @ConfigProperty
    public void setReverseDns(String value) {
        values.put(ListenerSetting.REVERSE_DNS, value);
    }

    public String getReceivedShowsLogin() {
        return get(ListenerSetting.RECEIVED_SHOWS_LOGIN);
    }

    @ConfigProperty
    public void setReceivedShowsLogin(String value) {
        values.put(ListenerSetting.RECEIVED_SHOWS_LOGIN, value);
    }

    public String getRateLimitConnectionsPerMinute() {
        return get(ListenerSetting.RATE_LIMIT_CONNECTIONS_PER_MINUTE);
    }

    @ConfigProperty
    public void setRateLimitConnectionsPerMinute(String value) {
        values.put(ListenerSetting.RATE_LIMIT_CONNECTIONS_PER_MINUTE, value);
    }

    public String getRateLimitCommandsPerMinute() {
        return get(ListenerSetting.RATE_LIMIT_COMMANDS_PER_MINUTE);
    }

    @ConfigProperty
    public void setRateLimitCommandsPerMinute(String value) {
        values.put(ListenerSetting.RATE_LIMIT_COMMANDS_PER_MINUTE, value);
    }

    public String getRateLimitAuthFailuresPerHour() {
        return get(ListenerSetting.RATE_LIMIT_AUTH_FAILURES_PER_HOUR);
    }

    @ConfigProperty
    public void setRateLimitAuthFailuresPerHour(String value) {
        values.put(ListenerSetting.RATE_LIMIT_AUTH_FAILURES_PER_HOUR, value);
    }

    public String getRateLimitMessagesPerHour() {
        return get(ListenerSetting.RATE_LIMIT_MESSAGES_PER_HOUR);
    }

    @ConfigProperty
    public void setRateLimitMessagesPerHour(String value) {
        values.put(ListenerSetting.RATE_LIMIT_MESSAGES_PER_HOUR, value);
    }

    public String getRateLimitExempt() {
        return get(ListenerSetting.RATE_LIMIT_EXEMPT);
    }

    @ConfigProperty
    public void setRateLimitExempt(String value) {
        values.put(ListenerSetting.RATE_LIMIT_EXEMPT, value);
    }

    public String getSpoolDirectory() {
        return get(ListenerSetting.SPOOL_PATH);
    }

    @ConfigProperty
    public void setSpoolDirectory(String value) {
        values.put(ListenerSetting.SPOOL_PATH, value);
    }

    @Override
    public String toString() {
        return "SMTP listeners " + host() + ":" + listeners().stream().map(k -> String.valueOf(port(k))).toList() + " (" + get(ListenerSetting.HOSTNAME) + ")";
    }
}
