package org.mailforge.application.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mailforge.smtp.settings.OutboundSetting;
import org.mailforge.smtp.settings.SettingsReader;

/**
 * Settings of outbound delivery: where mail for other domains goes (a smarthost or the
 * destination's MX hosts), how the queue retries, and which domains wait for ATRN.
 *
 * @param relayHost     smarthost for all outbound mail, or null for MX delivery
 * @param relayPort     the smarthost's port
 * @param relayUsername AUTH user at the smarthost, or null
 * @param relayPassword AUTH password at the smarthost, or null
 * @param tls           STARTTLS policy towards destinations
 * @param dnsServer     resolver for MX lookups ({@code host} or {@code host:port}), or null for the system's
 * @param mxPort        the port MX hosts are contacted on (25; tests use another)
 * @param queuePath     the spool folder of queued message content
 * @param retrySchedule the delays between attempts; the last repeats
 * @param maxAttempts   attempts before the message is returned to the sender
 * @param timeout       connect and per-command timeout towards destinations
 * @param heldDomains   domains whose mail waits for ATRN, each with the users who may collect it
 * @param failedRetention how long failed entries (the sender has its bounce) stay listed before they are purged
 * @param attemptTimeout  wall-clock limit of one delivery attempt, all MX hosts together
 * @param maxPerDestination attempts to one destination domain at once on this node
 * @param allowPrivate    whether MX hosts may have special-purpose addresses (loopback, private); tests and closed networks
 * @param mtaSts          whether destination domains' MTA-STS policies (RFC 8461) are fetched and followed
 * @param mtaStsPort      the HTTPS port policies are fetched from (443; tests use another)
 * @param mtaStsFetch     wall-clock limit of one policy's discovery and fetch, however its host trickles (SMTP_MTA_STS_FETCH_SECONDS)
 * @param caFile          a PEM file of trust anchors added to the JDK's for verified TLS (private CAs), or null
 * @param sweepInterval   how often the queue's safety net wakes entries overdue by more than it (SMTP_QUEUE_SWEEP_SECONDS)
 * @param dnsFailureThreshold questions in a row DNS leaves unanswered before the checks stop asking it; 0: always ask
 * @param dnsFailurePause how long they do not ask it then
 * @param outboundAddresses the public addresses mail leaves from (SMTP_OUTBOUND_ADDRESSES), for the DNS check
 * @param daneResolver    the validating resolver whose AD bit DANE trusts (SMTP_DANE_RESOLVER), or null: no DANE
 * @param tlsReports      the daily TLS reports to destination domains (RFC 8460)
 */
public record OutboundConfiguration(
        String relayHost,
        int relayPort,
        String relayUsername,
        String relayPassword,
        TlsPolicy tls,
        String dnsServer,
        int mxPort,
        Path queuePath,
        List<Duration> retrySchedule,
        int maxAttempts,
        Duration timeout,
        Map<String, Set<String>> heldDomains,
        Duration failedRetention,
        Duration attemptTimeout,
        int maxPerDestination,
        boolean allowPrivate,
        boolean mtaSts,
        int mtaStsPort,
        Duration mtaStsFetch,
        Path caFile,
        Duration sweepInterval,
        int dnsFailureThreshold,
        Duration dnsFailurePause,
        List<String> outboundAddresses,
        java.net.InetSocketAddress daneResolver,
        TlsReports tlsReports) {

    /**
     * The daily TLS reports (SMTP_TLS_REPORTS...).
     *
     * @param enabled   whether they are sent
     * @param from      their From address
     * @param maxPerDay report messages a day at most, all nodes together
     */
    public record TlsReports(boolean enabled, String from, int maxPerDay) {

        /** The submitter: the From address's domain. */
        public String submitter() {
            return from.substring(from.lastIndexOf('@') + 1);
        }
    }

    /** Connecting to one destination host may take this long at most. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Addresses tried in one attempt at most (RFC 5321 5.1 asks for a limit; Postfix tries 5). */
    public static final int MAX_ADDRESSES_PER_ATTEMPT = 5;

    /** STARTTLS towards destinations, in Postfix's terms. */
    public enum TlsPolicy {
        /** Never. */
        NONE,
        /** When offered, without certificate checks (opportunistic, RFC 7435). */
        MAY,
        /** Required, with the certificate verified against the JDK trust store. */
        ENCRYPT
    }

    static OutboundConfiguration load(SettingsReader in) {
        String schedule = in.text(OutboundSetting.QUEUE_RETRY_SCHEDULE);
        List<Duration> retrySchedule = parseSchedule(schedule);
        in.require(retrySchedule != null, "SMTP_QUEUE_RETRY_SCHEDULE must be a comma-separated list of delays"
                + " such as 1m,5m,15m,1h,4h or 60,300 (seconds) (was '" + schedule + "')");
        String held = in.text(OutboundSetting.ATRN_DOMAINS);
        Map<String, Set<String>> heldDomains = parseHeldDomains(held);
        in.require(heldDomains != null, "SMTP_ATRN_DOMAINS must look like customer.example:alice,bob;other.example:carol"
                + " (was '" + held + "')");
        String retention = in.text(OutboundSetting.QUEUE_FAILED_RETENTION);
        List<Duration> failedRetention = parseSchedule(retention);
        in.require(failedRetention != null && failedRetention.size() == 1, "SMTP_QUEUE_FAILED_RETENTION must be one"
                + " duration such as 7d, 12h or 30m (was '" + retention + "')");
        String relayHost = in.text(OutboundSetting.RELAY_HOST);
        in.require(relayHost != null || (in.text(OutboundSetting.RELAY_USERNAME) == null && in.text(OutboundSetting.RELAY_PASSWORD) == null),
                "SMTP_RELAY_USERNAME and SMTP_RELAY_PASSWORD need SMTP_RELAY_HOST: credentials go to the configured smarthost only, never to MX hosts");
        return new OutboundConfiguration(
                relayHost,
                in.integer(OutboundSetting.RELAY_PORT),
                in.text(OutboundSetting.RELAY_USERNAME),
                in.text(OutboundSetting.RELAY_PASSWORD),
                TlsPolicy.valueOf(in.word(OutboundSetting.OUTBOUND_TLS)
                        .toUpperCase(Locale.ROOT)),
                in.text(OutboundSetting.DNS_SERVER),
                in.integer(OutboundSetting.MX_PORT),
                Path.of(in.text(OutboundSetting.QUEUE_PATH)),
                retrySchedule == null ? parseSchedule(OutboundSetting.QUEUE_RETRY_SCHEDULE.defaultValue()) : retrySchedule,
                in.integer(OutboundSetting.QUEUE_MAX_ATTEMPTS),
                Duration.ofSeconds(in.number(OutboundSetting.OUTBOUND_TIMEOUT_SECONDS)),
                heldDomains == null ? Map.of() : heldDomains,
                failedRetention != null && failedRetention.size() == 1 ? failedRetention.get(0) : Duration.ofDays(7),
                Duration.ofSeconds(in.number(OutboundSetting.OUTBOUND_ATTEMPT_SECONDS)),
                in.integer(OutboundSetting.OUTBOUND_MAX_PER_DESTINATION),
                in.bool(OutboundSetting.OUTBOUND_ALLOW_PRIVATE),
                in.bool(OutboundSetting.OUTBOUND_MTA_STS),
                in.integer(OutboundSetting.MTA_STS_PORT),
                Duration.ofSeconds(in.number(OutboundSetting.MTA_STS_FETCH_SECONDS)),
                caFile(in),
                Duration.ofSeconds(in.number(OutboundSetting.QUEUE_SWEEP_SECONDS)),
                in.integer(OutboundSetting.DNS_FAILURE_THRESHOLD),
                Duration.ofSeconds(in.number(OutboundSetting.DNS_FAILURE_PAUSE_SECONDS)),
                outboundAddresses(in),
                daneResolver(in, relayHost),
                tlsReports(in));
    }

    private static TlsReports tlsReports(SettingsReader in) {
        String from = in.text(OutboundSetting.TLS_REPORTS_FROM);
        if (from == null || from.isBlank()) {
            from = "postmaster@" + in.text(org.mailforge.smtp.settings.ListenerSetting.HOSTNAME);
        }
        from = from.strip();
        in.require(from.matches("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9.-]{1,253}"),
                "SMTP_TLS_REPORTS_FROM must be a plain ASCII address such as tls-reports@example.com (was '" + from + "')");
        return new TlsReports(in.bool(OutboundSetting.TLS_REPORTS), from, in.integer(OutboundSetting.TLS_REPORTS_MAX_PER_DAY));
    }

    /** SMTP_DANE_RESOLVER: an address literal (a name would need a resolver of its own to be trusted), with an optional port. */
    private static java.net.InetSocketAddress daneResolver(SettingsReader in, String relayHost) {
        String value = in.text(OutboundSetting.DANE_RESOLVER);
        if (value == null || value.isBlank()) {
            return null;
        }
        String resolver = value.strip();
        in.require(relayHost == null, "SMTP_DANE_RESOLVER applies to delivery to MX hosts; with SMTP_RELAY_HOST every message"
                + " goes to the smarthost, and DANE would protect nothing (unset one of them)");
        String address = resolver;
        int port = 53;
        if (resolver.startsWith("[") && resolver.endsWith("]")) {
            address = resolver.substring(1, resolver.length() - 1);
        } else if (resolver.startsWith("[") && resolver.contains("]:")) {
            address = resolver.substring(1, resolver.indexOf("]:"));
            port = parsePort(resolver.substring(resolver.indexOf("]:") + 2));
        } else if (resolver.indexOf(':') > 0 && resolver.indexOf(':') == resolver.lastIndexOf(':')) {
            address = resolver.substring(0, resolver.indexOf(':'));
            port = parsePort(resolver.substring(resolver.indexOf(':') + 1));
        }
        java.net.InetAddress literal;
        try {
            literal = org.mailforge.smtp.ratelimit.Cidr.address(address);
        } catch (IllegalArgumentException e) {
            literal = null;
        }
        in.require(literal != null && port > 0, "SMTP_DANE_RESOLVER must be an IP address with an optional port, such as"
                + " 127.0.0.1 or 127.0.0.1:5353 or [::1]:53 (was '" + resolver + "')");
        // the AD bit crosses the path to the resolver unauthenticated: only loopback is a path no one else can write on
        in.require(literal == null || literal.isLoopbackAddress(), "SMTP_DANE_RESOLVER must be on this host (127.0.0.1, ::1):"
                + " DANE trusts the resolver's AD bit, which anyone on the network path to " + address + " could forge");
        return literal != null && port > 0 && literal.isLoopbackAddress() ? new java.net.InetSocketAddress(literal, port) : null;
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port >= 1 && port <= 65535 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether delivery to MX hosts verifies DANE (SMTP_DANE_RESOLVER is set). */
    public boolean dane() {
        return daneResolver != null;
    }

    /** SMTP_OUTBOUND_ADDRESSES: IP literals only (no name is looked up here). */
    private static List<String> outboundAddresses(SettingsReader in) {
        List<String> addresses = new java.util.ArrayList<>();
        for (String part : in.text(OutboundSetting.OUTBOUND_ADDRESSES).split(",")) {
            String address = part.strip();
            if (address.isEmpty()) {
                continue;
            }
            try {
                addresses.add(org.mailforge.smtp.ratelimit.Cidr.address(address).getHostAddress());
                continue;
            } catch (IllegalArgumentException e) {
                // not an address literal
            }
            in.require(false, "SMTP_OUTBOUND_ADDRESSES must be IP addresses, comma-separated (not '" + address + "')");
        }
        in.require(addresses.size() <= 16, "SMTP_OUTBOUND_ADDRESSES takes at most 16 addresses");
        return List.copyOf(addresses);
    }

    private static Path caFile(SettingsReader in) {
        String file = in.text(OutboundSetting.OUTBOUND_CA_FILE);
        if (file == null) {
            return null;
        }
        in.require(java.nio.file.Files.isReadable(Path.of(file)), "SMTP_OUTBOUND_CA_FILE must be a readable PEM file (was '" + file + "')");
        return Path.of(file);
    }

    /** The delay after attempt number {@code attempts} (1 = after the first attempt). */
    public Duration delayAfter(int attempts) {
        int index = Math.max(0, Math.min(attempts, retrySchedule.size()) - 1);
        return retrySchedule.get(index);
    }

    /**
     * How long an attempt holds its queue entry: a crashed attempt's entry is retried after this.
     * Always longer than an attempt may last (its connection is closed at the deadline), with a
     * reply timeout more to record its outcome.
     */
    public Duration leaseTime() {
        return attemptTimeout.plus(timeout);
    }

    public boolean usesRelayHost() {
        return relayHost != null;
    }

    public boolean isHeld(String domain) {
        return heldDomains.containsKey(domain.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code user} may collect the mail held for {@code domain} with ATRN. */
    public boolean mayCollect(String user, String domain) {
        Set<String> users = heldDomains.get(domain.toLowerCase(Locale.ROOT));
        return users != null && user != null && users.contains(user.toLowerCase(Locale.ROOT));
    }

    /** {@code 1m,5m,15m,1h,4h}, or plain seconds; null when malformed. */
    static List<Duration> parseSchedule(String text) {
        List<Duration> delays = new ArrayList<>();
        for (String part : text.split(",")) {
            String item = part.strip().toLowerCase(Locale.ROOT);
            if (!item.matches("\\d{1,7}[smhd]?")) {
                return null;
            }
            char unit = item.charAt(item.length() - 1);
            long amount = Long.parseLong(Character.isDigit(unit) ? item : item.substring(0, item.length() - 1));
            Duration delay = switch (unit) {
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> Duration.ofSeconds(amount);
            };
            if (delay.isZero()) {
                return null;
            }
            delays.add(delay);
        }
        return delays.isEmpty() ? null : List.copyOf(delays);
    }

    /** {@code customer.example:alice,bob;other.example:carol}; null when malformed. */
    static Map<String, Set<String>> parseHeldDomains(String text) {
        Map<String, Set<String>> held = new LinkedHashMap<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String domain = (colon < 0 ? entry : entry.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
            if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
                return null;
            }
            Set<String> users = new TreeSet<>();
            if (colon >= 0) {
                for (String user : entry.substring(colon + 1).split(",")) {
                    if (!user.isBlank()) {
                        users.add(user.strip().toLowerCase(Locale.ROOT));
                    }
                }
            }
            held.put(domain, Set.copyOf(users));
        }
        return Map.copyOf(held);
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "OutboundConfiguration[" + (relayHost != null ? "relay " + relayHost + ":" + relayPort : "MX delivery")
                + ", tls=" + tls + ", retries=" + retrySchedule + ", maxAttempts=" + maxAttempts + "]";
    }
}
