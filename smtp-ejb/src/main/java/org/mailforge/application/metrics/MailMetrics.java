package org.mailforge.application.metrics;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.mailforge.smtp.spi.RateLimit;
import org.mailforge.smtp.ratelimit.RateLimitCounters;
import org.mailforge.smtp.spi.AdapterStatistics;
import org.mailforge.smtp.spi.ListenerCounts;
import org.mailforge.smtp.spi.ListenerKind;

/**
 * The server's Prometheus metrics (MicroProfile Metrics, exported on SMTP_METRICS_PORT). Names
 * follow the specification: {@code smtp.messages.received} with tag {@code status} is exported as
 * {@code smtp_messages_received_total{status="accepted"}}.
 */
@ApplicationScoped
public class MailMetrics {

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    private Counter accepted;
    private Counter rejected;
    private Histogram messageSize;
    private Counter authSuccess;
    private Counter authFailure;
    private Timer processing;
    private Counter delivered;
    private Counter failed;
    /** Processing times since start in microseconds, 3 significant digits, for the percentiles of /stats. */
    private final org.HdrHistogram.ConcurrentHistogram processingMicros = new org.HdrHistogram.ConcurrentHistogram(MAX_RECORDED_MICROS, 3);
    private static final long MAX_RECORDED_MICROS = 3_600_000_000L;
    private Counter spam;
    private Counter virus;

    @Inject
    org.mailforge.domain.queue.OutboundQueue queue;

    @Inject
    AdapterStatistics listener;

    /** The counters of each SMTP listener (label {@code listener}); one the adapter adds later registers when it first reports. */
    private final java.util.Map<String, ListenerMetrics> listeners = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<RateLimit, Counter> apiRateLimited = new java.util.EnumMap<>(RateLimit.class);
    private final RateLimitCounters apiRefusals = new RateLimitCounters();

    /** Registers the metrics when the application starts, before the first scrape. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // instantiation is enough: @PostConstruct registers
    }

    @PostConstruct
    void register() {
        Metadata received = Metadata.builder().withName("smtp.messages.received")
                .withDescription("Messages received (accepted: stored; rejected: refused after DATA)").build();
        accepted = registry.counter(received, new Tag("status", "accepted"));
        rejected = registry.counter(received, new Tag("status", "rejected"));
        messageSize = registry.histogram(Metadata.builder().withName("smtp.message.size")
                .withDescription("Sizes of accepted messages").withUnit(MetricUnits.BYTES).build());
        Metadata auth = Metadata.builder().withName("smtp.auth.attempts")
                .withDescription("Authentication attempts (SMTP AUTH and the admin API)").build();
        authSuccess = registry.counter(auth, new Tag("result", "success"));
        authFailure = registry.counter(auth, new Tag("result", "failure"));
        processing = registry.timer(Metadata.builder().withName("smtp.processing.duration")
                .withDescription("Time from the end of data to the reply: storing and indexing a message").build());
        Metadata sent = Metadata.builder().withName("smtp.messages.sent")
                .withDescription("Queued messages finished (delivered: every recipient accepted; failed: returned to the sender)").build();
        delivered = registry.counter(sent, new Tag("status", "delivered"));
        failed = registry.counter(sent, new Tag("status", "failed"));
        registry.gauge(Metadata.builder().withName("smtp.messages.queued")
                .withDescription("Messages waiting in the outbound queue (pending or retry)").build(), this, MailMetrics::queued);
        spam = registry.counter(Metadata.builder().withName("smtp.spam.detected")
                .withDescription("Messages the spam scanner classified as spam").build());
        virus = registry.counter(Metadata.builder().withName("smtp.virus.detected")
                .withDescription("Messages the virus scanner found infected").build());
        for (RateLimit limit : RateLimit.values()) {
            apiRateLimited.put(limit, rateLimitedCounter(limit, "api"));
        }
        for (ListenerKind kind : ListenerKind.values()) { // every series exists from the first scrape
            listeners.put(kind.label(), registerListener(kind.label()));
        }
        registry.gauge(Metadata.builder().withName("smtp.memory")
                .withDescription("Heap memory in use").withUnit(MetricUnits.BYTES).build(),
                Runtime.getRuntime(), r -> r.totalMemory() - r.freeMemory());
    }

    private Counter rateLimitedCounter(RateLimit limit, String source) {
        return registry.counter(Metadata.builder().withName("smtp.rate.limited")
                .withDescription("Requests refused by a per-address rate limit (listener: an SMTP listener, or api)").build(),
                new Tag("limit", limit.label()), new Tag("listener", source));
    }

    /**
     * Brings the counters of figures the listeners and the rate limiters keep (connections,
     * refusals, stress timeouts, rate-limited requests) up to those figures, per listener; called
     * every few seconds. MicroProfile Metrics has no counter that reads a value, and these only grow.
     */
    public synchronized void syncCounts() {
        listener.byListener().forEach((name, counts) -> listeners.computeIfAbsent(name, this::registerListener).catchUp(counts));
        apiRateLimited.forEach((limit, counter) -> catchUp(counter, apiRefusals.refusals(limit)));
    }

    /** The metrics of the SMTP listener {@code name}: its open sessions read live, its counts caught up. */
    private ListenerMetrics registerListener(String name) {
        Tag tag = new Tag("listener", name);
        registry.gauge(Metadata.builder().withName("smtp.connections.active")
                .withDescription("SMTP connections open now").build(),
                listener, statistics -> statistics.byListener().getOrDefault(name, ListenerCounts.NONE).active(), tag);
        java.util.Map<RateLimit, Counter> limited = new java.util.EnumMap<>(RateLimit.class);
        for (RateLimit limit : RateLimit.values()) {
            limited.put(limit, rateLimitedCounter(limit, name));
        }
        return new ListenerMetrics(
                registry.counter(Metadata.builder().withName("smtp.connections")
                        .withDescription("SMTP connections accepted since start").build(), tag),
                registry.counter(Metadata.builder().withName("smtp.connections.refused")
                        .withDescription("SMTP connections refused at connect (rate limit, per-address limit, connection limit)").build(), tag),
                registry.counter(Metadata.builder().withName("smtp.connections.refused.per.address")
                        .withDescription("SMTP connections refused because their address had SMTP_MAX_CONNECTIONS_PER_IP sessions open").build(), tag),
                registry.counter(Metadata.builder().withName("smtp.stress.timeouts")
                        .withDescription("SMTP sessions cut off by the stress timeout (more than 80% of SMTP_MAX_CONNECTIONS taken)").build(), tag),
                limited);
    }

    /** One SMTP listener's counters, exported as counters (_total) and caught up to its own figures. */
    private record ListenerMetrics(Counter connections, Counter refused, Counter refusedPerAddress, Counter stressTimeouts,
                                   java.util.Map<RateLimit, Counter> rateLimited) {
        void catchUp(ListenerCounts counts) {
            MailMetrics.catchUp(connections, counts.total());
            MailMetrics.catchUp(refused, counts.refused());
            MailMetrics.catchUp(refusedPerAddress, counts.refusedPerAddress());
            MailMetrics.catchUp(stressTimeouts, counts.stressTimeouts());
            rateLimited.forEach((limit, counter) -> MailMetrics.catchUp(counter, counts.rateLimited(limit)));
        }
    }

    /** The admin API refused a request under {@code limit} (the SMTP listener counts its own). */
    public void apiRateLimited(RateLimit limit) {
        apiRefusals.refused(limit);
    }

    private static void catchUp(Counter counter, long figure) {
        long behind = figure - counter.getCount();
        if (behind > 0) {
            counter.inc(behind);
        }
    }

    public void accepted(long sizeBytes) {
        accepted.inc();
        messageSize.update(sizeBytes);
    }

    public void sent(boolean allDelivered) {
        (allDelivered ? delivered : failed).inc();
    }

    private long queued() {
        try {
            return queue.countWaiting();
        } catch (RuntimeException e) {
            return -1; // the database is unreachable; /health says so
        }
    }

    public void spamDetected() {
        spam.inc();
    }

    public void virusDetected() {
        virus.inc();
    }

    /**
     * An outcome of the MX's screening before DATA: {@code test} is pregreet, dnsbl or greylist;
     * {@code outcome} refused, passed, deferred or allowed.
     */
    public void screened(String test, String outcome) {
        // looked up once per series: the registry's lookup cost more than the test itself under a botnet's load
        screenings.computeIfAbsent(test + " " + outcome, key -> registry.counter(Metadata.builder().withName("smtp.screening")
                .withDescription("Outcomes of the MX's tests before DATA (early talkers, DNS lists, greylisting)").build(),
                new Tag("test", test), new Tag("outcome", outcome))).inc();
    }

    private final java.util.Map<String, Counter> screenings = new java.util.concurrent.ConcurrentHashMap<>();

    /** Message trace records dropped: more waited than the trace keeps in memory, the database refused them twice, or a flood's refused connections. */
    public void traceDropped(long records) {
        Counter counter = traceDropped;
        if (counter == null) {
            counter = registry.counter(Metadata.builder().withName("smtp.trace.dropped")
                    .withDescription("Message trace records not written (a flood of refused connections beyond the per-network budget,"
                            + " more waiting than the trace holds, or the database refusing them twice)").build());
            traceDropped = counter;
        }
        counter.inc(records);
    }

    private volatile Counter traceDropped;

    /** A scanning daemon did not answer (the message was deferred, or passed unscanned). */
    public void scannerUnavailable(String scanner) {
        registry.counter(Metadata.builder().withName("smtp.scanner.unavailable")
                .withDescription("Messages a scanning daemon did not answer for").build(), new Tag("scanner", scanner)).inc();
    }

    /** The results of the sender checks of one received message: method (spf, dkim, dmarc) to its results. */
    public void authenticationResults(java.util.Map<String, java.util.List<String>> byMethod) {
        byMethod.forEach((method, results) -> results.forEach(result -> authResults.computeIfAbsent(method + " " + result,
                key -> registry.counter(Metadata.builder().withName("smtp.auth.results")
                        .withDescription("Results of the sender checks of received mail (SPF, each DKIM signature, DMARC)").build(),
                        new Tag("method", method), new Tag("result", result))).inc()));
    }

    /** The counters of {@link #authenticationResults} by method and result (words of RFC 8601: a few dozen at most). */
    private final java.util.Map<String, Counter> authResults = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A delivery to a domain with an MTA-STS policy: {@code enforced} (over verified TLS to a host
     * the policy names), {@code deferred} (no such host or no verified TLS: retried later) or
     * {@code testing} (a testing-mode policy: delivered as without one).
     */
    public void mtaSts(String outcome) {
        registry.counter(Metadata.builder().withName("smtp.mta.sts")
                .withDescription("Deliveries to domains with an MTA-STS policy, by outcome").build(), new Tag("result", outcome)).inc();
    }

    /**
     * A delivery attempt to a domain whose MX hosts publish validated TLSA records (DANE, RFC 7672):
     * {@code smtp_dane_total{result="verified"|"encrypted"|"deferred"|"without"}} (without: it went
     * to one of the domain's hosts that has none).
     */
    public void dane(String outcome) {
        registry.counter(Metadata.builder().withName("smtp.dane")
                .withDescription("Delivery attempts to domains with DANE (validated TLSA records), by outcome").build(),
                new Tag("result", outcome)).inc();
    }

    /** A domain's daily TLS report (RFC 8460): {@code smtp_tls_reports_total{result="sent"|"not-sent"}}. */
    public void tlsReport(String outcome) {
        registry.counter(Metadata.builder().withName("smtp.tls.reports")
                .withDescription("Daily TLS reports of destination domains, sent or not (no record, bounced before, DNS)").build(),
                new Tag("result", outcome)).inc();
    }

    /** An ACME order finished: {@code smtp_certificate_orders_total{result="issued"|"failed"}}. */
    public void certificateOrder(boolean issued) {
        registry.counter(Metadata.builder().withName("smtp.certificate.orders")
                .withDescription("Orders of the server's certificate from the ACME authority, by outcome").build(),
                new Tag("result", issued ? "issued" : "failed")).inc();
    }

    /** Registers the gauge of the server's certificate's remaining validity, in seconds (negative: expired or none). */
    public void certificateExpiry(java.util.function.Supplier<java.time.Instant> notAfter) {
        registry.gauge(Metadata.builder().withName("smtp.certificate.expiry")
                .withDescription("Seconds until the server's certificate expires (-1 without one)").withUnit(MetricUnits.SECONDS).build(),
                notAfter, supplier -> {
                    java.time.Instant end = supplier.get();
                    return end == null ? -1 : java.time.Duration.between(java.time.Instant.now(), end).toSeconds();
                });
    }

    /**
     * Unauthenticated mail naming a local domain in its From: without that domain's signature:
     * {@code smtp_local_spoof_total{action="rejected"|"reported"}}.
     */
    public void localSpoof(boolean rejected) {
        Metadata metadata = Metadata.builder().withName("smtp.local.spoof")
                .withDescription("Unauthenticated mail whose From: names a local domain without its DKIM signature").build();
        registry.counter(metadata, new Tag("action", rejected ? "rejected" : "reported")).inc();
    }

    public void rejected() {
        rejected.inc();
    }

    public void authAttempt(boolean success) {
        (success ? authSuccess : authFailure).inc();
    }

    public void processed(java.time.Duration duration) {
        processing.update(duration);
        processingMicros.recordValue(Math.min(Math.max(0, duration.toNanos() / 1_000), MAX_RECORDED_MICROS));
    }

    /** The figures {@code GET /stats} reports from these metrics. */
    public Snapshot snapshot() {
        org.HdrHistogram.Histogram timing = processingMicros.copy();
        return new Snapshot(accepted.getCount(), rejected.getCount(), delivered.getCount(), authSuccess.getCount(), authFailure.getCount(),
                spam.getCount(), virus.getCount(),
                microsToMillis(timing.getTotalCount() == 0 ? 0 : timing.getMean()),
                microsToMillis(timing.getValueAtPercentile(95)), microsToMillis(timing.getValueAtPercentile(99)));
    }

    private static double microsToMillis(double micros) {
        return Math.round(micros / 100.0) / 10.0;
    }

    /** Counts since start and processing times in milliseconds. */
    public record Snapshot(long accepted, long rejected, long delivered, long authSuccesses, long authFailures,
                           long spamDetected, long virusDetected,
                           double averageMs, double p95Ms, double p99Ms) {
    }
}
