package org.mailforge.infrastructure.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import org.apache.http.HttpEntity;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.config.ConnectionConfig;
import org.apache.http.config.MessageConstraints;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.mailforge.application.common.LogText;
import org.mailforge.domain.outbound.MtaStsPolicy;
import org.mailforge.domain.outbound.MtaStsPolicyRepository;
import org.mailforge.infrastructure.dns.DnsClient;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Finds the MTA-STS policy (RFC 8461) of a destination domain: its {@code _mta-sts} TXT record
 * names the current policy id; a policy of that id in the shared cache (the database) is used
 * while it holds, otherwise the policy is fetched from
 * {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (certificate verified for that name,
 * no redirects, a body of at most 64 KB, header lines of at most 8 KiB and at most 50 of them,
 * all within {@code SMTP_MTA_STS_FETCH_SECONDS} (20 s) of wall-clock time and inside the delivery attempt's
 * deadline) and cached for every node. When DNS or the fetch fails, a
 * cached policy that has not expired still counts (RFC 8461 5.1), so an attacker who blocks
 * them cannot turn enforcement off.
 */
final class MtaSts {

    private static final Logger LOG = Logger.getLogger(MtaSts.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_LINE_OCTETS = 8192;
    static final int MAX_HEADER_FIELDS = 50;
    private static final Pattern RECORD = Pattern.compile("v=STSv1\\s*;(?:.*;)?\\s*id=([A-Za-z0-9]{1,32})\\s*(?:;.*)?");

    private final DnsClient dns;
    private final MtaStsPolicyRepository cache;
    private final CloseableHttpClient http;
    private final int port;
    private final boolean allowPrivate;
    /** The whole discovery and fetch, however the policy host trickles its answer. */
    private final Duration fetchLimit;
    /** Aborts a fetch at its deadline: the client's timeouts are per read, a trickle never trips them. */
    private final ScheduledExecutorService deadlines;
    /** When the fetch under way on this thread must end: its host's address lookups end by then too. */
    private final ThreadLocal<Instant> fetchEnd = new ThreadLocal<>();
    Clock clock = Clock.systemUTC();

    MtaSts(DnsClient dns, MtaStsPolicyRepository cache, SSLContext trust, int port, boolean allowPrivate,
            Duration fetchLimit, ScheduledExecutorService deadlines) {
        this.dns = dns;
        this.fetchLimit = fetchLimit;
        this.deadlines = deadlines;
        this.cache = cache;
        this.port = port;
        this.allowPrivate = allowPrivate;
        int millis = (int) Math.min(TIMEOUT.toMillis(), fetchLimit.toMillis());
        this.http = HttpClients.custom()
                .setSSLSocketFactory(new SSLConnectionSocketFactory(trust, new String[] {"TLSv1.3", "TLSv1.2"}, null,
                        new DefaultHostnameVerifier()))
                .setDnsResolver(this::addresses)
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableAutomaticRetries()
                // httpcore's defaults are unlimited: one endless header line, or endless header lines, filled the heap
                .setDefaultConnectionConfig(ConnectionConfig.custom().setMessageConstraints(MessageConstraints.custom()
                        .setMaxLineLength(MAX_LINE_OCTETS).setMaxHeaderCount(MAX_HEADER_FIELDS).build()).build())
                .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(millis).setSocketTimeout(millis)
                        .setConnectionRequestTimeout(millis).build())
                .setMaxConnTotal(20)
                .build();
    }

    void close() throws IOException {
        http.close();
    }

    /**
     * What discovery found: the policy to apply (empty: none), and, when the domain's current
     * policy could not be had, the TLS report's result type for it ({@code sts-policy-fetch-error},
     * {@code sts-policy-invalid}, {@code sts-webpki-invalid}, RFC 8460 4.3.2.3).
     */
    record Discovery(Optional<MtaStsPolicy> policy, String failure) {
        static final Discovery NONE = new Discovery(Optional.empty(), null);
    }

    /**
     * The domain's policy, or empty when it has none (or none could be had and none is cached).
     *
     * @param deadline when the delivery attempt ends: discovery and fetch end by then, and within the fetch limit
     */
    Discovery policyFor(String domain, Instant deadline) {
        Instant now = clock.instant();
        Instant end = now.plus(fetchLimit).isBefore(deadline) ? now.plus(fetchLimit) : deadline;
        Optional<MtaStsPolicy> cached = cached(domain).filter(policy -> !policy.isExpired(now));
        String id;
        try {
            id = currentId(domain, end.isBefore(now.plus(TIMEOUT)) ? end : now.plus(TIMEOUT));
        } catch (DnsClient.DnsTimeoutException e) {
            return new Discovery(cached, null); // DNS unavailable: what we knew still holds until it expires
        }
        if (id == null || cached.map(policy -> policy.getPolicyId().equals(id)).orElse(false)) {
            return new Discovery(cached, null);
        }
        try {
            MtaStsPolicy fetched = MtaStsPolicy.parse(domain, id, fetch(domain, end), now);
            store(fetched);
            return new Discovery(Optional.of(fetched), null);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.INFO, "MTA-STS policy of " + LogText.escape(domain) + " (id " + id + ") not fetched: "
                    + LogText.escape(String.valueOf(e.getMessage())) + (cached.isPresent() ? "; the cached one holds" : ""));
            return new Discovery(cached, cached.isPresent() ? null : e instanceof IllegalArgumentException ? "sts-policy-invalid"
                    : e instanceof javax.net.ssl.SSLException ? "sts-webpki-invalid" : "sts-policy-fetch-error");
        }
    }

    /** The id of the domain's one {@code v=STSv1} TXT record, or null when it has none (or several). */
    private String currentId(String domain, Instant deadline) throws DnsClient.DnsTimeoutException {
        String id = null;
        for (Record record : dns.query("_mta-sts." + domain, Type.TXT, deadline).records()) {
            if (record instanceof TXTRecord txt) {
                String text = String.join("", txt.getStrings());
                if (text.startsWith("v=STSv1")) {
                    Matcher matcher = RECORD.matcher(text);
                    if (id != null || !matcher.matches()) {
                        return null; // RFC 8461 3.1: several records, or an unusable one, is no policy
                    }
                    id = matcher.group(1);
                }
            }
        }
        return id;
    }

    private String fetch(String domain, Instant end) throws IOException {
        HttpGet get = new HttpGet("https://mta-sts." + domain + (port == 443 ? "" : ":" + port) + "/.well-known/mta-sts.txt");
        long remaining = Duration.between(clock.instant(), end).toNanos();
        if (remaining <= 0) {
            throw new IOException("no time left in the delivery attempt");
        }
        ScheduledFuture<?> abort = deadlines.schedule(get::abort, remaining, TimeUnit.NANOSECONDS);
        fetchEnd.set(end);
        try (CloseableHttpResponse response = http.execute(get)) {
            int status = response.getStatusLine().getStatusCode();
            HttpEntity entity = response.getEntity();
            if (status != 200 || entity == null) {
                throw new IOException("HTTP " + status);
            }
            String type = entity.getContentType() == null ? "" : entity.getContentType().getValue();
            if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("text/plain")) {
                throw new IOException("the policy is " + (type.isEmpty() ? "of no media type" : type) + ", not text/plain");
            }
            try (InputStream in = entity.getContent()) {
                byte[] body = in.readNBytes(MtaStsPolicy.MAX_POLICY_OCTETS + 1);
                if (body.length > MtaStsPolicy.MAX_POLICY_OCTETS) {
                    throw new IOException("the policy is longer than " + MtaStsPolicy.MAX_POLICY_OCTETS + " octets");
                }
                return new String(body, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw get.isAborted() ? new IOException("the policy host did not answer within the fetch's deadline", e) : e;
        } finally {
            abort.cancel(false);
            fetchEnd.remove();
        }
    }

    /** The policy host's addresses, from our DNS (SMTP_DNS_SERVER), never special-purpose ones unless allowed. */
    private InetAddress[] addresses(String host) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (int type : new int[] {Type.A, Type.AAAA}) {
                Instant byTimeout = clock.instant().plus(TIMEOUT);
                Instant end = fetchEnd.get();
                for (Record record : dns.query(host, type, end != null && end.isBefore(byTimeout) ? end : byTimeout).records()) {
                    InetAddress address = record instanceof ARecord a ? a.getAddress()
                            : record instanceof AAAARecord aaaa ? aaaa.getAddress() : null;
                    if (address != null && (allowPrivate || !SpecialAddresses.isSpecial(address))) {
                        addresses.add(address);
                    }
                }
            }
        } catch (DnsClient.DnsTimeoutException e) {
            throw new UnknownHostException(host + ": " + e.getMessage());
        }
        if (addresses.isEmpty()) {
            throw new UnknownHostException(host + " has no usable address");
        }
        return addresses.toArray(new InetAddress[0]);
    }

    private Optional<MtaStsPolicy> cached(String domain) {
        try {
            return cache.find(domain);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read the MTA-STS policy cache", e);
            return Optional.empty();
        }
    }

    private void store(MtaStsPolicy policy) {
        // SQLite refuses a write that meets another at once (busy), without waiting: a cache write is tried three times
        for (int attempt = 1; ; attempt++) {
            try {
                cache.save(policy);
                return;
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    // another node stored it at the same moment, or the database is away: the next attempt fetches again
                    LOG.log(Level.FINE, "MTA-STS policy of " + policy.getDomain() + " not cached", e);
                    return;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
