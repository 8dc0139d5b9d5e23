package org.mailforge.smtp.ra;

import java.beans.PropertyDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.ratelimit.Cidr;
import org.mailforge.smtp.ratelimit.RateLimit;
import org.mailforge.smtp.ratelimit.RateLimiter;
import org.mailforge.smtp.spi.SmtpMessageListener;
import org.mailforge.smtp.tls.PemTls;

/**
 * One SMTP listener, configured per message-driven bean in server.xml from the {@code SMTP_*}
 * variables. Nothing deploy-specific belongs in the bean's annotations: those would win over
 * server.xml.
 */
@Activation(messageListeners = SmtpMessageListener.class)
public class SmtpActivationSpec implements ActivationSpec {

    /** About 200 bytes each: the rate limiter's memory stays under 20 MB whatever the traffic. */
    private static final int MAX_TRACKED_ADDRESSES = 100_000;

    private ResourceAdapter resourceAdapter;

    @ConfigProperty(defaultValue = "0.0.0.0", description = "Bind address (SMTP_HOST)")
    private String host = "0.0.0.0";

    @ConfigProperty(defaultValue = "2525", description = "Listener port (SMTP_PORT)")
    private Integer port = 2525;

    @ConfigProperty(defaultValue = "localhost", description = "Server name in greeting and trace headers (SMTP_HOSTNAME)")
    private String hostname = "localhost";

    @ConfigProperty(defaultValue = "", description = "Comma-separated extra local domains (SMTP_LOCAL_DOMAINS)")
    private String localDomains = "";

    @ConfigProperty(defaultValue = "100", description = "Concurrent connections (SMTP_MAX_CONNECTIONS)")
    private Integer maxConnections = 100;

    @ConfigProperty(defaultValue = "10", description = "Concurrent sessions per client address, IPv6 per /64, 0 = no limit (SMTP_MAX_CONNECTIONS_PER_IP)")
    private Integer maxConnectionsPerIp = 10;

    @ConfigProperty(defaultValue = "10", description = "Idle timeout in seconds while more than 80% of the connections are taken (SMTP_STRESS_TIMEOUT_SECONDS)")
    private Integer stressTimeoutSeconds = 10;

    @ConfigProperty(defaultValue = "52428800", description = "Largest message in octets (SMTP_MAX_MESSAGE_SIZE)")
    private Long maxMessageSize = 52_428_800L;

    @ConfigProperty(defaultValue = "100", description = "Recipients per message (SMTP_MAX_RECIPIENTS)")
    private Integer maxRecipients = 100;

    @ConfigProperty(defaultValue = "300", description = "Idle timeout in seconds (SMTP_TIMEOUT_SECONDS)")
    private Integer timeoutSeconds = 300;

    @ConfigProperty(defaultValue = "1800", description = "Longest session in seconds (SMTP_MAX_SESSION_SECONDS)")
    private Integer maxSessionSeconds = 1800;

    @ConfigProperty(defaultValue = "true", description = "MAIL requires a successful AUTH (SMTP_ENABLE_AUTH)")
    private Boolean authRequired = true;

    @ConfigProperty(defaultValue = "false", description = "Authenticated users may send to other domains (needs outbound delivery)")
    private Boolean relayEnabled = false;

    @ConfigProperty(defaultValue = "false", description = "Offer STARTTLS (SMTP_ENABLE_TLS)")
    private Boolean tlsEnabled = false;

    @ConfigProperty(defaultValue = "", description = "PEM certificate chain (SMTP_TLS_CERT)")
    private String tlsCertificate = "";

    @ConfigProperty(defaultValue = "", description = "PEM private key (SMTP_TLS_KEY)")
    private String tlsKey = "";

    @ConfigProperty(defaultValue = "false", description = "Allow AUTH before STARTTLS when TLS is enabled (SMTP_ALLOW_PLAINTEXT_AUTH)")
    private Boolean plaintextAuthAllowed = false;

    @ConfigProperty(defaultValue = "86400", description = "Smallest DELIVERBY time with mode R, advertised in EHLO (SMTP_DELIVERBY_MIN_SECONDS)")
    private Long deliverByMinimum = 86_400L;

    @ConfigProperty(defaultValue = "false", description = "Look up the client's forward-confirmed reverse DNS name (SMTP_REVERSE_DNS)")
    private Boolean reverseDns = false;

    @ConfigProperty(defaultValue = "10", description = "Connections per minute per client address, 0 = no limit (SMTP_RATE_LIMIT_CONNECTIONS_PER_MINUTE)")
    private Integer rateLimitConnectionsPerMinute = 10;

    @ConfigProperty(defaultValue = "100", description = "Commands per minute per client address, 0 = no limit (SMTP_RATE_LIMIT_COMMANDS_PER_MINUTE)")
    private Integer rateLimitCommandsPerMinute = 100;

    @ConfigProperty(defaultValue = "5", description = "Failed AUTH per hour per client address, 0 = no limit (SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR)")
    private Integer rateLimitAuthFailuresPerHour = 5;

    @ConfigProperty(defaultValue = "20", description = "Messages (MAIL commands) per hour per client address, 0 = no limit (SMTP_RATE_LIMIT_MESSAGES_PER_HOUR)")
    private Integer rateLimitMessagesPerHour = 20;

    @ConfigProperty(defaultValue = "", description = "Networks never rate limited, CIDR, comma-separated (SMTP_RATE_LIMIT_EXEMPT)")
    private String rateLimitExempt = "";

    @ConfigProperty(defaultValue = "false", description = "Name the authenticated login in the Received: header (SMTP_RECEIVED_SHOW_LOGIN)")
    private Boolean receivedShowsLogin = false;

    @ConfigProperty(defaultValue = "", description = "Spool folder for large messages in transit (empty: the JVM temp folder)")
    private String spoolDirectory = "";

    @Override
    public void validate() throws InvalidPropertyException {
        requireRange("SMTP_PORT", "port", port, 1, 65_535);
        requireRange("SMTP_MAX_CONNECTIONS", "maxConnections", maxConnections, 1, 100_000);
        requireRange("SMTP_MAX_CONNECTIONS_PER_IP", "maxConnectionsPerIp", maxConnectionsPerIp, 0, 100_000);
        requireRange("SMTP_STRESS_TIMEOUT_SECONDS", "stressTimeoutSeconds", stressTimeoutSeconds, 1, 86_400);
        requireRange("SMTP_MAX_RECIPIENTS", "maxRecipients", maxRecipients, 1, 100_000);
        requireRange("SMTP_TIMEOUT_SECONDS", "timeoutSeconds", timeoutSeconds, 1, 86_400);
        requireRange("SMTP_MAX_SESSION_SECONDS", "maxSessionSeconds", maxSessionSeconds, 1, 86_400);
        if (maxMessageSize == null || maxMessageSize < 1) {
            throw invalid("SMTP_MAX_MESSAGE_SIZE", "maxMessageSize", "must be a positive number of octets");
        }
        if (deliverByMinimum == null || deliverByMinimum < 0 || deliverByMinimum > 999_999_999L) {
            throw invalid("SMTP_DELIVERBY_MIN_SECONDS", "deliverByMinimum", "must be a whole number of seconds from 0 to 999999999");
        }
        if (Boolean.TRUE.equals(tlsEnabled) && (tlsCertificate.isBlank() || tlsKey.isBlank())) {
            throw invalid("SMTP_TLS_CERT", "tlsCertificate", "and SMTP_TLS_KEY must be set when SMTP_ENABLE_TLS=true");
        }
        if (hostname == null || hostname.isBlank() || hostname.contains(" ")) {
            throw invalid("SMTP_HOSTNAME", "hostname", "must be a host name");
        }
        requireRange("SMTP_RATE_LIMIT_CONNECTIONS_PER_MINUTE", "rateLimitConnectionsPerMinute", rateLimitConnectionsPerMinute, 0, 1_000_000);
        requireRange("SMTP_RATE_LIMIT_COMMANDS_PER_MINUTE", "rateLimitCommandsPerMinute", rateLimitCommandsPerMinute, 0, 1_000_000);
        requireRange("SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR", "rateLimitAuthFailuresPerHour", rateLimitAuthFailuresPerHour, 0, 1_000_000);
        requireRange("SMTP_RATE_LIMIT_MESSAGES_PER_HOUR", "rateLimitMessagesPerHour", rateLimitMessagesPerHour, 0, 1_000_000);
        try {
            Cidr.parseList(rateLimitExempt);
        } catch (IllegalArgumentException e) {
            throw invalid("SMTP_RATE_LIMIT_EXEMPT", "rateLimitExempt", "must be IP networks in CIDR notation (" + e.getMessage() + ")");
        }
        if (host == null || host.isBlank()) {
            throw invalid("SMTP_HOST", "host", "must be an address to bind");
        }
    }

    private static void requireRange(String variable, String property, Integer value, int min, int max)
            throws InvalidPropertyException {
        if (value == null || value < min || value > max) {
            throw invalid(variable, property, "must be between " + min + " and " + max + " (was " + value + ")");
        }
    }

    private static InvalidPropertyException invalid(String variable, String property, String rule) {
        InvalidPropertyException e = new InvalidPropertyException(variable + " " + rule);
        try {
            e.setInvalidPropertyDescriptors(new PropertyDescriptor[] {
                new PropertyDescriptor(property, SmtpActivationSpec.class)});
        } catch (java.beans.IntrospectionException ignored) {
            // the message alone names the variable
        }
        return e;
    }

    /** The protocol engine's view of this configuration. */
    SmtpSettings toSettings() {
        Set<String> domains = new LinkedHashSet<>(Arrays.asList(localDomains.split(",")));
        Path spool = spoolDirectory == null || spoolDirectory.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "mailforge-spool")
                : Path.of(spoolDirectory);
        return new SmtpSettings(hostname, domains, maxMessageSize, maxRecipients,
                Duration.ofSeconds(timeoutSeconds), Duration.ofSeconds(maxSessionSeconds),
                20, 256 * 1024, spool, authRequired, relayEnabled, plaintextAuthAllowed, deliverByMinimum,
                Boolean.TRUE.equals(receivedShowsLogin));
    }

    /** The per-address limits; every refusal is reported to {@code onLimited}. */
    RateLimiter rateLimiter(Consumer<RateLimit> onLimited) {
        Map<RateLimit, Integer> limits = new EnumMap<>(RateLimit.class);
        limits.put(RateLimit.CONNECTIONS, rateLimitConnectionsPerMinute);
        limits.put(RateLimit.COMMANDS, rateLimitCommandsPerMinute);
        limits.put(RateLimit.AUTH_FAILURES, rateLimitAuthFailuresPerHour);
        limits.put(RateLimit.MESSAGES, rateLimitMessagesPerHour);
        return new RateLimiter(limits, Cidr.parseList(rateLimitExempt), MAX_TRACKED_ADDRESSES, System::nanoTime, onLimited);
    }

    /** Open sessions per client address; exempt networks are not counted. */
    org.mailforge.smtp.ratelimit.ConcurrentSessions concurrentSessions() {
        return new org.mailforge.smtp.ratelimit.ConcurrentSessions(maxConnectionsPerIp, Cidr.parseList(rateLimitExempt));
    }

    boolean reverseDnsEnabled() {
        return Boolean.TRUE.equals(reverseDns);
    }

    /** The TLS context from the PEM files, or null when TLS is not enabled. */
    javax.net.ssl.SSLContext tlsContext() throws InvalidPropertyException {
        if (!Boolean.TRUE.equals(tlsEnabled)) {
            return null;
        }
        try {
            return PemTls.context(Path.of(tlsCertificate), Path.of(tlsKey));
        } catch (java.io.IOException | java.security.GeneralSecurityException | RuntimeException e) {
            throw invalid("SMTP_TLS_CERT", "tlsCertificate", "and SMTP_TLS_KEY must name a readable PEM certificate and unencrypted key ("
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

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }

    public String getHostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    public String getLocalDomains() {
        return localDomains;
    }

    public void setLocalDomains(String localDomains) {
        this.localDomains = localDomains == null ? "" : localDomains;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Integer getMaxConnectionsPerIp() {
        return maxConnectionsPerIp;
    }

    public void setMaxConnectionsPerIp(Integer maxConnectionsPerIp) {
        this.maxConnectionsPerIp = maxConnectionsPerIp;
    }

    public Integer getStressTimeoutSeconds() {
        return stressTimeoutSeconds;
    }

    public void setStressTimeoutSeconds(Integer stressTimeoutSeconds) {
        this.stressTimeoutSeconds = stressTimeoutSeconds;
    }

    public Long getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(Long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public Integer getMaxRecipients() {
        return maxRecipients;
    }

    public void setMaxRecipients(Integer maxRecipients) {
        this.maxRecipients = maxRecipients;
    }

    public Integer getTimeoutSeconds() {
        return timeoutSeconds;
    }

    public void setTimeoutSeconds(Integer timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public Integer getMaxSessionSeconds() {
        return maxSessionSeconds;
    }

    public void setMaxSessionSeconds(Integer maxSessionSeconds) {
        this.maxSessionSeconds = maxSessionSeconds;
    }

    public Boolean getAuthRequired() {
        return authRequired;
    }

    public void setAuthRequired(Boolean authRequired) {
        this.authRequired = authRequired;
    }

    public Boolean getRelayEnabled() {
        return relayEnabled;
    }

    public void setRelayEnabled(Boolean relayEnabled) {
        this.relayEnabled = relayEnabled;
    }

    public Boolean getTlsEnabled() {
        return tlsEnabled;
    }

    public void setTlsEnabled(Boolean tlsEnabled) {
        this.tlsEnabled = tlsEnabled;
    }

    public String getTlsCertificate() {
        return tlsCertificate;
    }

    public void setTlsCertificate(String tlsCertificate) {
        this.tlsCertificate = tlsCertificate == null ? "" : tlsCertificate;
    }

    public String getTlsKey() {
        return tlsKey;
    }

    public void setTlsKey(String tlsKey) {
        this.tlsKey = tlsKey == null ? "" : tlsKey;
    }

    public Boolean getPlaintextAuthAllowed() {
        return plaintextAuthAllowed;
    }

    public void setPlaintextAuthAllowed(Boolean plaintextAuthAllowed) {
        this.plaintextAuthAllowed = plaintextAuthAllowed;
    }

    public Long getDeliverByMinimum() {
        return deliverByMinimum;
    }

    public void setDeliverByMinimum(Long deliverByMinimum) {
        this.deliverByMinimum = deliverByMinimum;
    }

    public Boolean getReverseDns() {
        return reverseDns;
    }

    public void setReverseDns(Boolean reverseDns) {
        this.reverseDns = reverseDns;
    }

    public Integer getRateLimitConnectionsPerMinute() {
        return rateLimitConnectionsPerMinute;
    }

    public void setRateLimitConnectionsPerMinute(Integer rateLimitConnectionsPerMinute) {
        this.rateLimitConnectionsPerMinute = rateLimitConnectionsPerMinute;
    }

    public Integer getRateLimitCommandsPerMinute() {
        return rateLimitCommandsPerMinute;
    }

    public void setRateLimitCommandsPerMinute(Integer rateLimitCommandsPerMinute) {
        this.rateLimitCommandsPerMinute = rateLimitCommandsPerMinute;
    }

    public Integer getRateLimitAuthFailuresPerHour() {
        return rateLimitAuthFailuresPerHour;
    }

    public void setRateLimitAuthFailuresPerHour(Integer rateLimitAuthFailuresPerHour) {
        this.rateLimitAuthFailuresPerHour = rateLimitAuthFailuresPerHour;
    }

    public Integer getRateLimitMessagesPerHour() {
        return rateLimitMessagesPerHour;
    }

    public void setRateLimitMessagesPerHour(Integer rateLimitMessagesPerHour) {
        this.rateLimitMessagesPerHour = rateLimitMessagesPerHour;
    }

    public String getRateLimitExempt() {
        return rateLimitExempt;
    }

    public void setRateLimitExempt(String rateLimitExempt) {
        this.rateLimitExempt = rateLimitExempt;
    }

    public Boolean getReceivedShowsLogin() {
        return receivedShowsLogin;
    }

    public void setReceivedShowsLogin(Boolean receivedShowsLogin) {
        this.receivedShowsLogin = receivedShowsLogin;
    }

    public String getSpoolDirectory() {
        return spoolDirectory;
    }

    public void setSpoolDirectory(String spoolDirectory) {
        this.spoolDirectory = spoolDirectory == null ? "" : spoolDirectory;
    }

    @Override
    public String toString() {
        return "SMTP listener " + host + ":" + port + " (" + hostname + ")";
    }
}
