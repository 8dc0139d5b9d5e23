package org.mailforge.application.outbound.tlsreport;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;

import org.mailforge.application.common.LogText;
import org.mailforge.application.config.OutboundConfiguration;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.domaincheck.PublishedDns;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.outbound.LocalDelivery;
import org.mailforge.application.outbound.SendingGuardrails;
import org.mailforge.domain.queue.OutboundQueue;
import org.mailforge.domain.queue.QueueFilter;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SessionIds;

/**
 * TLS reporting (RFC 8460): counts how the TLS of each outbound connection went, and once a day
 * sends each destination domain that publishes a {@code _smtp._tls} record the report of the day
 * before, gzipped JSON, to its {@code mailto:} addresses. One node sends each domain's report (a
 * claim in the database); at most {@code SMTP_TLS_REPORTS_MAX_PER_DAY} report messages go out a
 * day, at most {@link #MAX_ADDRESSES} per domain and {@link #MAX_PER_ADDRESS} a day per address
 * (however many domains name it), none to an address a report bounced from before, that is on
 * the suppression list or that is at a local domain. Reports leave with the null sender, like
 * bounces, and deliveries with the null sender are not counted: a report about reports would let
 * hostile domains make the reports multiply.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class TlsReporting {

    private static final Logger LOG = Logger.getLogger(TlsReporting.class.getName());
    /** Addresses of one domain's {@code rua} a report goes to at most. */
    static final int MAX_ADDRESSES = 2;
    /** Domains looked at per day at most: the counts of more are kept but not reported. */
    static final int MAX_DOMAINS = 100_000;
    /** Days of counts kept, for the API and a late report. */
    static final int KEPT_DAYS = 8;
    /** DNS questions in a row left unanswered before a run stops (a dead resolver must not hold the timer for hours). */
    static final int MAX_UNANSWERED = 5;
    /** Reports to one address a day at most, however many domains name it. */
    static final int MAX_PER_ADDRESS = 5;
    /** Count rows of one domain a day at most: a destination varying its hosts or policies without end fills no table. */
    static final int MAX_ROWS = 100;
    private static final Pattern RECORD = Pattern.compile("(?i)v=TLSRPTv1\\s*;(.*)");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.!#$&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

    @Inject
    ServerConfiguration configuration;
    @Inject
    TlsReportStore store;
    @Inject
    PublishedDns dns;
    @Inject
    LocalDelivery mail;
    @Inject
    SendingGuardrails guardrails;
    @Inject
    OutboundQueue queue;
    @Inject
    MailMetrics metrics;
    @Inject
    org.mailforge.application.directory.MailDirectory directory;

    Clock clock = Clock.systemUTC();

    public TlsReporting() {
        // for the container
    }

    /** Counting only (tests of the delivery that records sessions). */
    public TlsReporting(ServerConfiguration configuration, TlsReportStore store) {
        this.configuration = configuration;
        this.store = store;
    }

    /** What became of one domain's report. */
    public record Outcome(String domain, List<String> sentTo, String reason) {
    }

    /**
     * Counts an attempt's sessions in today's report. Never throws: a report is not worth a
     * delivery's outcome.
     */
    public void record(List<TlsSession> sessions) {
        if (sessions.isEmpty() || !configuration.outbound().tlsReports().enabled()) {
            return;
        }
        try {
            store.record(LocalDate.now(clock.withZone(ZoneOffset.UTC)), sessions, MAX_ROWS);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "TLS report counts not written", e);
        }
    }

    /**
     * Every hour each node sends what is left of the last two days' reports (a report DNS did not
     * let out yesterday goes today), and forgets counts older than a week.
     */
    @Schedule(hour = "*", minute = "41", second = "0", persistent = false)
    void hourly() {
        if (!configuration.outbound().tlsReports().enabled()) {
            return;
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        try {
            store.purge(today.minusDays(KEPT_DAYS));
            send(today.minusDays(2));
            send(today.minusDays(1));
        } catch (RuntimeException e) {
            LOG.warning("TLS reports not sent: " + e);
        }
    }

    /** The domains with counts that day, and each one's report as JSON would carry it. */
    public List<String> domains(LocalDate day) {
        return store.domains(day, MAX_DOMAINS);
    }

    /** The report of a domain for a day, or null when there were no sessions to it. */
    public TlsReport report(LocalDate day, String domain) {
        List<TlsReportStore.Count> counts = store.counts(day, domain);
        OutboundConfiguration.TlsReports settings = configuration.outbound().tlsReports();
        return counts.isEmpty() ? null : new TlsReport(day, domain, settings.from(), settings.submitter(), counts);
    }

    /**
     * Sends the day's reports not sent yet (by any node): each domain's once. The scheduler
     * sends yesterday's; an administrator may send a day's early, which is then not sent again.
     */
    public List<Outcome> send(LocalDate day) {
        OutboundConfiguration.TlsReports settings = configuration.outbound().tlsReports();
        List<Outcome> outcomes = new ArrayList<>();
        int unanswered = 0;
        // the reports of the last day, all nodes: asked once, then counted here (another node's meanwhile may pass the cap by a few)
        int sent = store.sentSince(clock.instant().minus(1, ChronoUnit.DAYS));
        for (String domain : store.domains(day, MAX_DOMAINS)) {
            if (unanswered >= MAX_UNANSWERED) {
                LOG.warning("TLS reports: DNS left " + unanswered + " questions in a row unanswered; the rest of " + day
                        + "'s reports wait for the next hour");
                break;
            }
            Instant now = clock.instant();
            if (sent >= settings.maxPerDay()) {
                LOG.warning("TLS reports: SMTP_TLS_REPORTS_MAX_PER_DAY (" + settings.maxPerDay() + ") reached; the rest of " + day
                        + "'s are not sent");
                outcomes.add(new Outcome(domain, List.of(), "the daily limit of reports is reached"));
                break;
            }
            if (!store.claim(day, domain, now)) {
                continue; // sent, or being sent, by this node or another
            }
            Outcome outcome = sendOne(day, domain, settings, now);
            unanswered = outcome == null ? unanswered + 1 : 0;
            if (outcome == null) {
                store.release(day, domain); // DNS did not answer: the next hour tries again
                outcomes.add(new Outcome(domain, List.of(), "DNS did not answer for _smtp._tls." + domain + "; tried again later"));
                continue;
            }
            store.sent(day, domain, outcome.sentTo().isEmpty() ? outcome.reason() : "sent to " + String.join(", ", outcome.sentTo()),
                    outcome.sentTo().size());
            sent += outcome.sentTo().size();
            metrics.tlsReport(outcome.sentTo().isEmpty() ? "not-sent" : "sent");
            outcomes.add(outcome);
        }
        return outcomes;
    }

    /** @return what became of the report, or null when DNS did not answer (the claim is then given back) */
    private Outcome sendOne(LocalDate day, String domain, OutboundConfiguration.TlsReports settings, Instant now) {
        List<String> addresses;
        try {
            addresses = rua(dns.txt("_smtp._tls." + domain));
        } catch (PublishedDns.Unanswered e) {
            return null;
        }
        if (addresses.isEmpty()) {
            return new Outcome(domain, List.of(), "no usable TLS-RPT record (v=TLSRPTv1 with a mailto: rua)");
        }
        TlsReport report = report(day, domain);
        List<String> sent = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String address : addresses) {
            if (bouncedBefore(address, now)) {
                skipped.add(address + ": a report bounced from it before");
                continue;
            }
            if (guardrails.suppressed(address).isPresent()) {
                skipped.add(address + ": on the suppression list");
                continue;
            }
            if (directory.isLocal(address.substring(address.lastIndexOf('@') + 1))) {
                skipped.add(address + ": a local address (a report is for another operator)");
                continue;
            }
            if (!store.countReportTo(address, LocalDate.ofInstant(now, ZoneOffset.UTC), MAX_PER_ADDRESS)) {
                skipped.add(address + ": " + MAX_PER_ADDRESS + " reports went to it today already");
                continue;
            }
            try {
                InboundMessage message = new InboundMessage(SessionIds.next(), "127.0.0.1", configuration.listener().hostname(), "",
                        List.of(address), MessageContent.of(report.message(address, now)), now, false, null, null);
                Reply reply = mail.deliverOwn(message);
                if (reply.code() < 400) {
                    sent.add(address);
                } else {
                    skipped.add(address + ": " + reply.code());
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "the TLS report of " + domain + " to " + LogText.escape(address) + " was not queued", e);
                skipped.add(address + ": not queued");
            }
        }
        return new Outcome(domain, List.copyOf(sent), skipped.isEmpty() ? null : String.join("; ", skipped));
    }

    /**
     * Whether a report to this address came back refused for good: remembered, or seen now in the
     * queue (a failed report entry to it).
     */
    private boolean bouncedBefore(String address, Instant now) {
        if (store.bounced(address)) {
            return true;
        }
        String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        boolean failed = queue.matching(new QueueFilter(domain, "", null, QueueStatus.FAILED, null), 500).stream()
                .filter(entry -> entry.getSubject() != null && entry.getSubject().startsWith("Report Domain: "))
                .anyMatch(entry -> entry.failedRecipients().stream().anyMatch(r -> r.getAddress().equalsIgnoreCase(address)));
        if (failed) {
            store.bounced(address, now);
        }
        return failed;
    }

    /**
     * The {@code mailto:} addresses of a domain's TLS-RPT record (RFC 8460 3): exactly one
     * {@code v=TLSRPTv1} record, its {@code rua} a comma-separated list of URIs; {@code https:}
     * ones are not used here. At most {@link #MAX_ADDRESSES}, plain ASCII addresses only.
     */
    static List<String> rua(List<String> records) {
        List<String> reporting = records.stream().filter(r -> r.regionMatches(true, 0, "v=TLSRPTv1", 0, 10)).toList();
        if (reporting.size() != 1) {
            return List.of(); // none, or several: no reporting (RFC 8460 3)
        }
        Matcher record = RECORD.matcher(reporting.get(0).strip());
        if (!record.matches()) {
            return List.of();
        }
        List<String> addresses = new ArrayList<>();
        for (String field : record.group(1).split(";")) {
            String[] pair = field.strip().split("=", 2);
            if (pair.length != 2 || !pair[0].strip().equalsIgnoreCase("rua")) {
                continue;
            }
            for (String uri : pair[1].split(",")) {
                String target = uri.strip();
                if (!target.regionMatches(true, 0, "mailto:", 0, 7)) {
                    continue;
                }
                String address = decode(target.substring(7).split("\\?", 2)[0]);
                if (address != null && ADDRESS.matcher(address).matches() && !addresses.contains(address.toLowerCase(Locale.ROOT))
                        && addresses.size() < MAX_ADDRESSES) {
                    addresses.add(address.toLowerCase(Locale.ROOT));
                }
            }
        }
        return addresses;
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
