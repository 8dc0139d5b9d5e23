package org.mailforge.application.screening;

import org.mailforge.domain.screening.DnsListSite;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.config.ScreeningConfiguration;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.screening.ScreeningRecords;
import org.mailforge.smtp.spi.ClientScreening;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.ScreeningScope;

/**
 * Screens a client that connects to the MX, before its greeting, as Postfix's postscreen does:
 * the DNS lists in SMTP_DNSBL_ZONES are asked in parallel and their weights summed; from
 * SMTP_DNSBL_THRESHOLD the client is refused ({@code 554 5.7.1}, naming the lists); otherwise the
 * greeting of a client not seen to pass before is held back for the early-talker test
 * (SMTP_PREGREET_MILLIS). A client on an allow-list (a negative score) skips the test; one that
 * passed it is greeted at once for a day, on every node.
 */
@ApplicationScoped
public class ClientScreeningService {

    private static final Logger LOG = Logger.getLogger(ClientScreeningService.class.getName());
    /** How long the DNS lists may take; the time counts toward the greeting hold. */
    static final Duration LIST_DEADLINE = Duration.ofSeconds(2);
    /** Passes remembered in memory (a day each); beyond this many the memory starts over, the database still knows. */
    private static final int MAX_REMEMBERED = 100_000;

    private final ScreeningConfiguration settings;
    private final DnsListLookup lists;
    private final ScreeningRecords records;
    private final MailMetrics metrics;
    private final Clock clock;
    private final Map<String, Instant> passes = new ConcurrentHashMap<>();
    /** Passes not yet in the database, and the lock of whoever writes them. */
    private final java.util.Queue<Map.Entry<String, Instant>> unwritten = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger unwrittenCount = new java.util.concurrent.atomic.AtomicInteger();
    /** Clients the database had no pass for, until when that answer is believed: a bot's reconnects read nothing. */
    private final Map<String, Instant> notPassed = new ConcurrentHashMap<>();
    private static final Duration NOT_PASSED_FOR = Duration.ofSeconds(60);
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    private static final int MAX_UNWRITTEN = 10_000;
    private static final int MAX_BATCH = 500;

    @Inject
    public ClientScreeningService(ServerConfiguration configuration, DnsListLookup lists, ScreeningRecords records, MailMetrics metrics) {
        this(configuration.screening(), lists, records, metrics, Clock.systemUTC());
    }

    ClientScreeningService(ScreeningConfiguration settings, DnsListLookup lists, ScreeningRecords records, MailMetrics metrics,
            Clock clock) {
        this.settings = settings;
        this.lists = lists;
        this.records = records;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** For CDI's proxy. */
    protected ClientScreeningService() {
        this.settings = null;
        this.lists = null;
        this.records = null;
        this.metrics = null;
        this.clock = null;
    }

    public ClientScreening screen(String address) {
        InetAddress client = literal(address);
        if (client == null || settings.exempt(client)) {
            return ClientScreening.PASS;
        }
        int score = 0;
        if (!settings.dnsLists().isEmpty()) {
            List<DnsListSite> naming = lists.listing(client, settings.dnsLists(), clock.instant().plus(LIST_DEADLINE));
            score = naming.stream().mapToInt(DnsListSite::weight).sum();
            if (score >= settings.dnsblThreshold()) {
                String listedBy = naming.stream().filter(site -> site.weight() > 0).map(DnsListSite::zone)
                        .collect(Collectors.joining(", "));
                metrics.screened("dnsbl", "refused");
                int total = score;
                LOG.fine(() -> "refused " + address + " at connect: listed by " + listedBy + " (score " + total + ")");
                return new ClientScreening(Duration.ZERO,
                        Reply.of(554, "5.7.1", "Service unavailable; client [" + address + "] blocked using " + listedBy), score, false);
            }
        }
        Duration hold = settings.pregreet();
        if (!hold.isZero() && (score < 0 || passedBefore(passKey(client)))) {
            hold = Duration.ZERO;
        }
        return new ClientScreening(hold, null, score, settings.greylisting() && score >= 0);
    }

    /** Which hooks the MX listener calls: none of them when every test is off. */
    public ScreeningScope scope() {
        return new ScreeningScope(!settings.pregreet().isZero() || !settings.dnsLists().isEmpty(), settings.greylisting());
    }

    /**
     * The early-talker test's outcome: a pass is remembered for a day on every node, for the
     * client's address (IPv4) or its /64 (IPv6: one host has a whole /64 to connect from).
     */
    public void greetingTest(String address, boolean waited) {
        metrics.screened("pregreet", waited ? "passed" : "refused");
        InetAddress client = literal(address);
        if (!waited || client == null) {
            LOG.fine(() -> "refused " + address + ": it talked before the greeting");
            return;
        }
        String key = passKey(client);
        Instant until = clock.instant().plus(ScreeningConfiguration.PREGREET_MEMORY);
        remember(key, until);
        notPassed.remove(key);
        if (unwrittenCount.incrementAndGet() <= MAX_UNWRITTEN) {
            unwritten.add(new java.util.AbstractMap.SimpleImmutableEntry<>(key, until));
        } else {
            unwrittenCount.decrementAndGet(); // the database is behind: this node still remembers it
        }
    }

    /**
     * Writes the passes queued since the last call, in batches of one transaction each (called
     * every two seconds, off the sessions' threads): a pass costs no commit of its own, and no
     * client waits for one. A batch that fails goes back into the queue (as far as it has room);
     * a pass lost in a crash only means its client is tested once more.
     */
    public void writePasses() {
        if (!writing.tryLock()) {
            return;
        }
        try {
            while (unwrittenCount.get() > 0) {
                java.util.Map<String, Instant> batch = new java.util.LinkedHashMap<>();
                Map.Entry<String, Instant> next;
                while (batch.size() < MAX_BATCH && (next = unwritten.poll()) != null) {
                    unwrittenCount.decrementAndGet();
                    batch.merge(next.getKey(), next.getValue(), (a, b) -> a.isAfter(b) ? a : b);
                }
                if (batch.isEmpty()) {
                    return;
                }
                try {
                    records.greetingPassed(batch);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "could not store early-talker passes; trying again", e);
                    for (Map.Entry<String, Instant> pass : batch.entrySet()) {
                        if (unwrittenCount.incrementAndGet() <= MAX_UNWRITTEN) {
                            unwritten.add(pass);
                        } else {
                            unwrittenCount.decrementAndGet();
                        }
                    }
                    return;
                }
            }
        } finally {
            writing.unlock();
        }
    }

    /** Remembers a pass in memory, which drops passes that ran out, or starts over, when it holds too many (the database still knows them). */
    private void remember(String key, Instant until) {
        if (passes.size() >= MAX_REMEMBERED) {
            Instant now = clock.instant();
            passes.values().removeIf(old -> !old.isAfter(now));
            if (passes.size() >= MAX_REMEMBERED) {
                passes.clear();
            }
        }
        passes.put(key, until);
    }

    /** What a pass is remembered under: the IPv4 address, or the IPv6 /64. */
    static String passKey(InetAddress client) {
        return client instanceof java.net.Inet6Address ? Greylisting.network(client) : client.getHostAddress();
    }

    private boolean passedBefore(String key) {
        Instant now = clock.instant();
        Instant until = passes.get(key);
        if (until != null && until.isAfter(now)) {
            return true;
        }
        Instant unknownUntil = notPassed.get(key);
        if (unknownUntil != null && unknownUntil.isAfter(now)) {
            return false;
        }
        try {
            Instant stored = records.greetingPassedUntil(key).orElse(null);
            if (stored != null && stored.isAfter(now)) {
                remember(key, stored);
                return true;
            }
            if (notPassed.size() >= MAX_REMEMBERED) {
                notPassed.values().removeIf(expiry -> !expiry.isAfter(now));
                if (notPassed.size() >= MAX_REMEMBERED) {
                    notPassed.clear();
                }
            }
            notPassed.put(key, now.plus(NOT_PASSED_FOR));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not read the early-talker passes; the client is tested again", e);
        }
        return false;
    }

    /** The address the adapter gave: always an IP literal, so this never asks DNS. */
    static InetAddress literal(String address) {
        if (address == null || !address.matches("[0-9A-Fa-f:.%a-z]{2,64}") || !(address.indexOf(':') >= 0 || address.matches("[0-9.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
