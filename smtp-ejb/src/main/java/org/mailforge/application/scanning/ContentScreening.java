package org.mailforge.application.scanning;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.common.MessageHeaders;
import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.domain.mail.Folder;
import org.mailforge.application.config.ScanningConfiguration;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.Reply;

/**
 * Screens a received message before it is stored, so the client hears the verdict in the reply
 * to its DATA or BDAT: a virus is refused ({@code 554 5.7.1}) and never stored; spam is tagged,
 * refused or quarantined per {@code SMTP_SPAM_ACTION}; a daemon that does not answer makes the
 * sender try again later ({@code 451 4.7.1}) unless {@code SMTP_SCANNER_FAIL_OPEN=true}.
 */
@ApplicationScoped
public class ContentScreening {

    private static final Logger LOG = Logger.getLogger(ContentScreening.class.getName());

    /** What becomes of the message. */
    public sealed interface Outcome permits Refuse, Accept {
    }

    /** Not stored: this is the reply. */
    public record Refuse(Reply reply) implements Outcome {
    }

    /**
     * Store this content (the message with any headers added) into this folder.
     *
     * @param scan the scanners' verdicts in words, for the message trace; null when nothing scanned it
     */
    public record Accept(MessageContent content, Folder folder, String scan) implements Outcome {
    }

    @Inject
    ServerConfiguration configuration;

    @Inject
    MailMetrics metrics;

    @Inject
    ServerEvents events;

    @Inject
    Scanners scanners;

    private ScanningConfiguration settings;
    private VirusScanner virus;
    private SpamScanner spam;

    @PostConstruct
    void init() {
        settings = configuration.scanning();
        virus = scanners.virus();
        spam = scanners.spam();
    }

    public Outcome screen(InboundMessage message) {
        return screen(message, false);
    }

    /**
     * @param own mail this server wrote (a delivery status notification): a spam verdict or a spam
     *            scanner that does not answer never refuses it, since nobody would learn that the
     *            original was not delivered; it is tagged (or filed in Junk) at most
     */
    public Outcome screen(InboundMessage message, boolean own) {
        MessageContent content = message.content();
        if (virus == null && spam == null) {
            return new Accept(content, Folder.INBOX, null);
        }
        if (content.size() > settings.maxScanSize()) {
            String skipped = "skipped, " + content.size() + " octets is over the scan limit of " + settings.maxScanSize();
            return tagged(content, Folder.INBOX, List.of("X-Mailforge-Scan: " + skipped), List.of("scan " + skipped));
        }
        List<String> headers = new ArrayList<>();
        List<String> verdicts = new ArrayList<>();
        if (virus != null) {
            try {
                VirusVerdict verdict = virus.scan(content);
                observed(true);
                verdicts.add(verdict.infected() ? "virus " + verdict.signature() : "no virus");
                if (verdict.infected()) {
                    metrics.virusDetected();
                    LOG.info(() -> "session " + message.sessionId() + ": virus " + org.mailforge.application.common.LogText.escape(verdict.signature()) + " refused");
                    events.publish("virus.detected", () -> ServerEvent.fields(
                            "message_id", "msg_" + message.sessionId(),
                            "from", message.reversePath(),
                            "to", message.recipients(),
                            "virus", verdict.signature()));
                    return new Refuse(Reply.of(554, "5.7.1", "Error: message refused, virus found: " + verdict.signature()));
                }
            } catch (ScannerUnavailableException e) {
                Refuse refusal = unavailable("clamav", e);
                if (refusal != null && !own) { // our own notification quotes mail scanned when it came in
                    return refusal;
                }
                headers.add("X-Mailforge-Scan: virus scan skipped, scanner unavailable");
                verdicts.add("virus scan skipped, scanner unavailable");
            }
        }
        Folder folder = Folder.INBOX;
        if (spam != null) {
            try {
                SpamVerdict verdict = spam.check(message);
                observed(true);
                if (!own && (verdict.action() == SpamVerdict.Action.REJECT || verdict.action() == SpamVerdict.Action.DEFER)) {
                    return scannerRefusal(message, verdict);
                }
                headers.addAll(spamHeaders(verdict));
                verdicts.add(String.format(Locale.ROOT, "spam score %.1f of %.1f%s", verdict.score(), verdict.threshold(),
                        verdict.spam() ? ", spam" : ""));
                if (verdict.spam()) {
                    metrics.spamDetected();
                    ScanningConfiguration.SpamAction action = settings.spamAction();
                    events.publish("spam.detected", () -> ServerEvent.fields(
                            "message_id", "msg_" + message.sessionId(),
                            "from", message.reversePath(),
                            "to", message.recipients(),
                            "subject", MessageHeaders.subject(message),
                            "score", String.format(Locale.ROOT, "%.1f", verdict.score()),
                            "action", action.name().toLowerCase(Locale.ROOT)));
                    if (action == ScanningConfiguration.SpamAction.REJECT && !own) {
                        return new Refuse(Reply.of(550, "5.7.1", "Error: message refused as spam"));
                    }
                    if (action != ScanningConfiguration.SpamAction.TAG || verdict.action() == SpamVerdict.Action.REJECT) {
                        folder = Folder.JUNK; // quarantine; and our own notification of what the scanner would have refused
                    }
                }
            } catch (ScannerUnavailableException e) {
                Refuse refusal = unavailable(spam.describe().startsWith("rspamd") ? "rspamd" : "spamassassin", e);
                if (refusal != null && !own) {
                    return refusal;
                }
                headers.add("X-Mailforge-Scan: spam check skipped, scanner unavailable");
                verdicts.add("spam check skipped, scanner unavailable");
            }
        }
        if (folder == Folder.JUNK) {
            verdicts.add("filed in Junk");
        }
        return tagged(content, folder, headers, verdicts);
    }

    /** The scanner's own refusal (rspamd's reject, soft reject or greylist action): its word decides, not SMTP_SPAM_ACTION. */
    private Refuse scannerRefusal(InboundMessage message, SpamVerdict verdict) {
        boolean reject = verdict.action() == SpamVerdict.Action.REJECT;
        String score = String.format(Locale.ROOT, "%.1f", verdict.score());
        LOG.info(() -> "session " + message.sessionId() + ": " + spam.describe() + (reject ? " refused" : " deferred")
                + " the message, score " + score);
        if (reject) {
            metrics.spamDetected();
            events.publish("spam.detected", () -> ServerEvent.fields(
                    "message_id", "msg_" + message.sessionId(),
                    "from", message.reversePath(),
                    "to", message.recipients(),
                    "subject", MessageHeaders.subject(message),
                    "score", score,
                    "action", "reject"));
            return new Refuse(Reply.of(554, "5.7.1", "Error: message refused as spam"));
        }
        return new Refuse(Reply.of(451, "4.7.1", "Error: message deferred by the spam filter, try again later"));
    }

    /** Counts and logs a daemon that did not answer; the refusal, or null when failing open. */
    private Refuse unavailable(String scanner, ScannerUnavailableException e) {
        observed(false);
        metrics.scannerUnavailable(scanner);
        LOG.warning(scanner + " unavailable" + (settings.failOpen() ? ", message accepted unscanned: " : ", message deferred: ")
                + e.getMessage());
        return settings.failOpen() ? null
                : new Refuse(Reply.of(451, "4.7.1", "Error: content scanner unavailable, try again later"));
    }

    /** SpamAssassin's own header convention, so existing filters (Sieve, procmail) work unchanged. */
    static List<String> spamHeaders(SpamVerdict verdict) {
        String score = String.format(Locale.ROOT, "%.1f", verdict.score());
        String required = String.format(Locale.ROOT, "%.1f", verdict.threshold());
        List<String> headers = new ArrayList<>();
        if (verdict.spam()) {
            headers.add("X-Spam-Flag: YES");
        }
        headers.add("X-Spam-Score: " + score);
        headers.add("X-Spam-Status: " + (verdict.spam() ? "Yes" : "No") + ", score=" + score + " required=" + required
                + tests(verdict.rules()));
        return headers;
    }

    /**
     * The rule names as SpamAssassin writes them, {@code tests=A,B,...}, folded into lines of about
     * 78 octets (RFC 5322 2.1.1); a name that is not a plain token is left out, whatever the
     * scanner answered.
     */
    private static String tests(List<String> rules) {
        StringBuilder text = new StringBuilder();
        int line = 0;
        for (String rule : rules) {
            if (!rule.matches("[A-Za-z0-9_.-]{1,64}")) {
                continue;
            }
            if (text.isEmpty()) {
                text.append("\r\n\ttests=");
                line = 7;
            } else if (line + rule.length() + 1 > 76) {
                text.append(",\r\n\t");
                line = 1;
            } else {
                text.append(',');
                line++;
            }
            text.append(rule);
            line += rule.length();
        }
        return text.toString();
    }

    private static Accept tagged(MessageContent content, Folder folder, List<String> headers, List<String> verdicts) {
        String scan = verdicts.isEmpty() ? null : String.join("; ", verdicts);
        if (headers.isEmpty()) {
            return new Accept(content, folder, scan);
        }
        String block = String.join("\r\n", headers) + "\r\n";
        return new Accept(MessageContent.prefixed(block.getBytes(StandardCharsets.UTF_8), content), folder, scan);
    }

    /** The last answer of {@link #problems()}, when it was made, and whether a scan since disagreed with it. */
    private record Checked(long at, List<String> problems, boolean stale) {
    }

    private static final long CHECK_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private static final long MIN_CHECK_INTERVAL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(250);
    private volatile Checked lastCheck;
    private final java.util.concurrent.atomic.AtomicBoolean asking = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * What is wrong with the enabled daemons now, for /health; empty when they answer. The daemons
     * are asked at most every 5 seconds however often /health is (each ask is a connection to them
     * outside the scans' budget), or sooner (not within a quarter of a second) once a scan saw otherwise:
     * a daemon back after a restart is healthy again with the first message it scans.
     */
    public List<String> problems() {
        Checked last = lastCheck;
        long now = System.nanoTime();
        if (last != null && (now - last.at() < MIN_CHECK_INTERVAL_NANOS || !last.stale() && now - last.at() < CHECK_INTERVAL_NANOS)) {
            return last.problems();
        }
        if (!asking.compareAndSet(false, true)) {
            return last != null ? last.problems() : List.of(); // another /health is asking the daemons right now
        }
        try {
            List<String> problems = askDaemons();
            lastCheck = new Checked(System.nanoTime(), problems, false);
            return problems;
        } finally {
            asking.set(false);
        }
    }

    /** A scan found a daemon answering, or not: the last health answer is stale when it said otherwise. */
    private void observed(boolean answered) {
        Checked last = lastCheck;
        if (last != null && !last.stale() && last.problems().isEmpty() != answered) {
            lastCheck = new Checked(last.at(), last.problems(), true);
        }
    }

    private List<String> askDaemons() {
        List<String> problems = new ArrayList<>();
        if (virus != null && !virus.ping()) {
            problems.add(virus.describe() + " does not answer" + (settings.failOpen() ? " (mail passes unscanned)" : ""));
        }
        if (spam != null && !spam.ping()) {
            problems.add(spam.describe() + " does not answer" + (settings.failOpen() ? " (mail passes unscanned)" : ""));
        }
        return problems;
    }

    public boolean failOpen() {
        return settings.failOpen();
    }
}
