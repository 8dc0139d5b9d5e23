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
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.MailMetrics;
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
 * retry from another address of their pool.
 *
 * <p>Not greylisted: authenticated sessions and exempt networks (the engine and the screening
 * never ask), clients on a DNS allow-list (a negative score), networks that passed
 * SMTP_GREYLIST_AUTO_ALLOW triplets before, and a new triplet whose sender domain passed before
 * from anywhere and whose SPF passes for this client: that sender's own server is retrying.
 */
@ApplicationScoped
public class Greylisting {

    private static final Logger LOG = Logger.getLogger(Greylisting.class.getName());
    /** A retry of a triplet that passed updates its last-seen time at most this often (one write an hour, not one a message). */
    private static final Duration TOUCH_INTERVAL = Duration.ofHours(1);

    private final ScreeningConfiguration settings;
    private final ScreeningRecords records;
    private final MessageAuthentication checks;
    private final MailMetrics metrics;
    private final Clock clock;

    @Inject
    public Greylisting(ServerConfiguration configuration, ScreeningRecords records, MessageAuthentication checks, MailMetrics metrics) {
        this(configuration.screening(), records, checks, metrics, Clock.systemUTC());
    }

    Greylisting(ScreeningConfiguration settings, ScreeningRecords records, MessageAuthentication checks, MailMetrics metrics, Clock clock) {
        this.settings = settings;
        this.records = records;
        this.checks = checks;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** For CDI's proxy. */
    protected Greylisting() {
        this.settings = null;
        this.records = null;
        this.checks = null;
        this.metrics = null;
        this.clock = null;
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
        String sender = envelope.reversePath().toLowerCase(Locale.ROOT);
        String senderDomain = sender.isEmpty() ? "" : sender.substring(sender.lastIndexOf('@') + 1);
        String id = digest(network + "\n" + sender + "\n" + envelope.recipient().toLowerCase(Locale.ROOT));
        Instant now = clock.instant();
        Optional<GreylistTriplet> known = records.triplet(id);
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
        boolean allowed = allowedWithoutWaiting(network, client, envelope, senderDomain);
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

    private boolean allowedWithoutWaiting(String network, InetAddress client, InboundRecipient envelope, String senderDomain) {
        if (settings.greylistAutoAllow() > 0 && records.passedFrom(network, settings.greylistAutoAllow()) >= settings.greylistAutoAllow()) {
            return true;
        }
        return !senderDomain.isEmpty() && records.domainPassed(senderDomain)
                && "pass".equals(checks.spf(client.getHostAddress(), envelope.reversePath(), envelope.heloName()).result());
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
