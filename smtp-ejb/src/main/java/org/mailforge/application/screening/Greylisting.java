package org.mailforge.application.screening;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.HourlyCounts;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.config.ScreeningConfiguration;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.verification.MessageAuthentication;
import org.mailforge.domain.screening.GreylistTriplet;
import org.mailforge.domain.screening.ScreeningRecords;
import org.mailforge.smtp.spi.InboundRecipient;
import org.mailforge.smtp.spi.Reply;

/**
 * Greylisting (as postgrey): mail from an unknown (client network, envelope sender, recipient)
 * triplet is deferred with {@code 451 4.7.1}; a real MTA retries, and a retry after
 * SMTP_GREYLIST_DELAY_SECONDS is taken and remembered for weeks, on every node (the triplets are
 * in the database). The network is the client's /24 (IPv4) or /64 (IPv6), since large senders
 * retry from another address of their pool. Sender and recipient are normalised first, as
 * postgrey does: a BATV tag, an SRS hash and the digits of a VERP address change on each retry,
 * a recipient's {@code +detail} reaches the same mailbox.
 *
 * <p>Not greylisted: authenticated sessions and exempt networks (the engine and the screening
 * never ask), clients on a DNS allow-list (a negative score), networks with
 * SMTP_GREYLIST_AUTO_ALLOW triplets that earned their pass by a retry, and a new triplet whose
 * sender domain earned a pass before and whose SPF passes for this client, unless it passes for a
 * documentation address as well (a record that allows everyone says nothing about the client). A
 * triplet let through those two ways is stored as passed but not earned: it never lets anything
 * else through.
 *
 * <p>What a client can make us write is bounded: a deferral counts toward the transaction's
 * recipient limit, a network gets at most {@link #NEW_TRIPLETS_PER_HOUR} new deferred triplets
 * an hour on a node (an IPv6 /48 five times that; beyond, its mail is deferred without a row),
 * and the SPF check of a (client, sender domain) is made once an hour.
 */
@ApplicationScoped
public class Greylisting {

    private static final Logger LOG = Logger.getLogger(Greylisting.class.getName());
    /** A retry of a triplet that passed updates its last-seen time at most this often (one write an hour, not one a message). */
    private static final Duration TOUCH_INTERVAL = Duration.ofHours(1);
    /** New triplets one network may add on one node in an hour; beyond, its mail is deferred without a row. */
    static final int NEW_TRIPLETS_PER_HOUR = 200;
    /** Entries of the in-memory counters (networks, SPF answers) before they start over. */
    private static final int MAX_REMEMBERED = 50_000;
    private static final Pattern BATV = Pattern.compile("(?i)^(?:prvs|msprvs1|btv1)=[^=]+=(.+)$");
    private static final Pattern SRS = Pattern.compile("(?i)^srs[01][=+-][^=]+=[^=]+=([^=]+)=(.+)$");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final ScreeningConfiguration settings;
    private final ScreeningRecords records;
    private final MessageAuthentication checks;
    private final MailMetrics metrics;
    private final Clock clock;
    private final String delimiter;
    /** Per network (and IPv6 /48): the new deferred triplets of the present hour. */
    private final HourlyCounts newTriplets = new HourlyCounts(MAX_REMEMBERED);
    /** Networks auto-allowed and sender domains with an earned pass, each until when that is believed without asking. */
    private final Map<String, Instant> allowedNetworks = new ConcurrentHashMap<>();
    private final Map<String, Instant> earnedDomains = new ConcurrentHashMap<>();
    private static final Duration KNOWN_FOR = Duration.ofMinutes(10);
    /** Per client address and sender domain: until when the SPF answer holds, and the result. */
    private final Map<String, SpfAnswer> spfAnswers = new ConcurrentHashMap<>();

    private record SpfAnswer(Instant until, String result) {
    }

    @Inject
    public Greylisting(ServerConfiguration configuration, ScreeningRecords records, MessageAuthentication checks, MailMetrics metrics) {
        this(configuration.screening(), records, checks, metrics, Clock.systemUTC(), configuration.directory().recipientDelimiter());
    }

    Greylisting(ScreeningConfiguration settings, ScreeningRecords records, MessageAuthentication checks, MailMetrics metrics, Clock clock,
            String delimiter) {
        this.settings = settings;
        this.records = records;
        this.checks = checks;
        this.metrics = metrics;
        this.clock = clock;
        this.delimiter = delimiter;
    }

    /** For CDI's proxy. */
    protected Greylisting() {
        this.settings = null;
        this.records = null;
        this.checks = null;
        this.metrics = null;
        this.clock = null;
        this.delimiter = null;
    }

    /** Null to take the recipient; the {@code 451 4.7.1} for a triplet that must wait. */
    public Reply screen(InboundRecipient envelope) {
        if (!settings.greylisting() || envelope.clientScore() < 0) {
            return null;
        }
        InetAddress client = ClientScreeningService.literal(envelope.clientAddress());
        if (client == null || settings.exempt(client)) {
            return null;
        }
        String network = network(client);
        String sender = sender(envelope.reversePath());
        String senderDomain = envelope.reversePath().isEmpty() ? ""
                : envelope.reversePath().substring(envelope.reversePath().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        String id = digest(network + "\n" + sender + "\n" + recipient(envelope.recipient()));
        Instant now = clock.instant();
        Optional<GreylistTriplet> known = records.triplet(id);
        if (known.isPresent() && !known.get().passed()
                && known.get().getFirstSeen().plus(ScreeningConfiguration.GREYLIST_RETRY_WINDOW).isBefore(now)) {
            // a retry after days is a new first attempt (the purge may not have forgotten it yet)
            records.restart(id, now);
            metrics.screened("greylist", "deferred");
            return deferral(settings.greylistDelay());
        }
        if (known.isPresent()) {
            GreylistTriplet triplet = known.get();
            Instant retryFrom = triplet.retryFrom(settings.greylistDelay());
            if (!triplet.passed() && now.isBefore(retryFrom)) {
                metrics.screened("greylist", "deferred");
                return deferral(Duration.between(now, retryFrom));
            }
            if (!triplet.passed() || triplet.getLastSeen().plus(TOUCH_INTERVAL).isBefore(now)) {
                records.seen(id, now);
            }
            if (!triplet.passed()) {
                metrics.screened("greylist", "passed");
                LOG.fine(() -> "greylisting passed: " + network + " for " + envelope.recipient());
            }
            return null;
        }
        boolean allowed = allowedWithoutWaiting(network, client, envelope, senderDomain, now);
        if (!allowed && !countNew(client, network, now)) {
            metrics.screened("greylist", "deferred");
            return deferral(settings.greylistDelay());
        }
        try {
            records.add(new GreylistTriplet(id, network, senderDomain, now, allowed));
        } catch (RuntimeException e) {
            if (records.triplet(id).isEmpty()) {
                throw e; // not a race with another session: the database cannot take it, the engine defers
            }
            LOG.log(Level.FINE, "the same triplet came from another session at the same moment", e);
        }
        if (allowed) {
            metrics.screened("greylist", "allowed");
            return null;
        }
        metrics.screened("greylist", "deferred");
        return deferral(settings.greylistDelay());
    }

    /**
     * Whether {@code key} is known to hold (an auto-allowed network, a domain with an earned pass):
     * a yes is kept in memory for {@link #KNOWN_FOR} (it only turns into a no weeks later, when the
     * purge forgets the passes), a no is asked again each time.
     */
    private static boolean known(Map<String, Instant> yes, String key, Instant now, java.util.function.BooleanSupplier ask) {
        Instant until = yes.get(key);
        if (until != null && until.isAfter(now)) {
            return true;
        }
        if (!ask.getAsBoolean()) {
            return false;
        }
        if (yes.size() >= MAX_REMEMBERED) {
            yes.clear();
        }
        yes.put(key, now.plus(KNOWN_FOR));
        return true;
    }

    /**
     * Counts a new deferred triplet of the client's network in this hour (and of its /48 for
     * IPv6, where one party holds 65,536 /64s); false when the network has had its share, or when
     * this node already counts so many networks this hour that a newcomer is not given a row.
     */
    private boolean countNew(InetAddress client, String network, Instant now) {
        long hour = now.getEpochSecond() / 3600;
        if (client instanceof java.net.Inet6Address
                && newTriplets.add(HexFormat.of().formatHex(client.getAddress(), 0, 6) + "::/48", hour) > NEW_TRIPLETS_PER_HOUR * 5L) {
            return false;
        }
        return newTriplets.add(network, hour) <= NEW_TRIPLETS_PER_HOUR;
    }

    private boolean allowedWithoutWaiting(String network, InetAddress client, InboundRecipient envelope, String senderDomain, Instant now) {
        if (settings.greylistAutoAllow() > 0 && known(allowedNetworks, network, now,
                () -> records.earnedFrom(network, settings.greylistAutoAllow()) >= settings.greylistAutoAllow())) {
            return true;
        }
        if (senderDomain.isEmpty() || !known(earnedDomains, senderDomain, now, () -> records.domainEarned(senderDomain))) {
            return false;
        }
        if (!"pass".equals(spfResult(client.getHostAddress(), envelope, senderDomain, now))) {
            return false;
        }
        // a definite "not from anyone": a record that lets a documentation address send, or that could not be read, earns nothing
        return java.util.List.of("fail", "softfail", "neutral", "none")
                .contains(spfResult(client instanceof Inet4Address ? "192.0.2.1" : "2001:db8::1", envelope, senderDomain, now));
    }

    /**
     * The SPF result for the sender domain from {@code address}, asked once an hour (a
     * temporary error once a minute). Asked for a documentation address (RFC 5737, RFC 3849) too:
     * a domain whose record lets anyone send ({@code +all}, or a range that large) passes there,
     * and gets no shortcut, since its pass says nothing about the client.
     */
    private String spfResult(String address, InboundRecipient envelope, String senderDomain, Instant now) {
        String key = address + " " + senderDomain;
        SpfAnswer answer = spfAnswers.get(key);
        if (answer == null || !answer.until().isAfter(now)) {
            String result = checks.spf(address, envelope.reversePath(), envelope.heloName()).result();
            if (spfAnswers.size() >= MAX_REMEMBERED) {
                spfAnswers.values().removeIf(old -> !old.until().isAfter(now));
                if (spfAnswers.size() >= MAX_REMEMBERED) {
                    spfAnswers.clear();
                }
            }
            answer = new SpfAnswer(now.plus("temperror".equals(result) ? Duration.ofMinutes(1) : Duration.ofHours(1)), result);
            spfAnswers.put(key, answer);
        }
        return answer.result();
    }

    /**
     * The sender as postgrey compares it: lower case, a BATV tag and an SRS hash and time stamp
     * taken off, the digits of the local part (VERP: a number per message) made one {@code #}.
     */
    static String sender(String reversePath) {
        String address = reversePath.toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return address;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        Matcher batv = BATV.matcher(local);
        if (batv.matches()) {
            local = batv.group(1);
        }
        Matcher srs = SRS.matcher(local);
        if (srs.matches()) {
            local = srs.group(2);
            domain = srs.group(1);
        }
        return DIGITS.matcher(local).replaceAll("#") + "@" + domain;
    }

    /** The recipient's mailbox: lower case, without its {@code +detail}. */
    String recipient(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        if (delimiter == null || delimiter.isEmpty() || at < 0) {
            return lower;
        }
        int detail = lower.indexOf(delimiter);
        return detail >= 0 && detail < at ? lower.substring(0, detail) + lower.substring(at) : lower;
    }

    private static Reply deferral(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return Reply.of(451, "4.7.1", "Greylisted: mail from your network to this recipient is new here, try again in "
                + seconds + " seconds");
    }

    /** The client's /24 (IPv4) or /64 (IPv6), as text. */
    static String network(InetAddress client) {
        byte[] octets = client.getAddress();
        if (client instanceof Inet4Address) {
            return (octets[0] & 0xff) + "." + (octets[1] & 0xff) + "." + (octets[2] & 0xff) + ".0/24";
        }
        return HexFormat.of().formatHex(octets, 0, 8) + "::/64";
    }

    private static String digest(String triplet) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(triplet.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
