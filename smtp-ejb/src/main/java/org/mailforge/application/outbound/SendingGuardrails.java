package org.mailforge.application.outbound;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.LogText;
import org.mailforge.application.config.GuardrailConfiguration;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.application.trace.TraceLog;
import org.mailforge.domain.queue.QueueControls;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.smtp.spi.Domains;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Reply;

/**
 * What stops a compromised account, or a mistake, from harming the host's name: sending limits
 * per account and sender domain (answered at RCPT), a suppression list of recipients that refused
 * for good (not tried again; the sender hears at once), holding an account whose mail bounces too
 * much (its queued mail waits, a webhook tells the operator, an administrator releases it), and
 * destination domains an administrator suspended. Counts and lists live in the database, so every
 * node applies them; the suspended domains are read at most every {@link #SUSPENSIONS_FRESH}.
 */
@ApplicationScoped
public class SendingGuardrails {

    private static final Logger LOG = Logger.getLogger(SendingGuardrails.class.getName());
    static final Duration SUSPENSIONS_FRESH = Duration.ofSeconds(3);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(java.time.ZoneOffset.UTC);

    @Inject
    QueueControls controls;

    @Inject
    ServerConfiguration configuration;

    @Inject
    ServerEvents events;

    @Inject
    TraceLog trace;

    Clock clock = Clock.systemUTC();

    private volatile Set<String> suspended = Set.of();
    private volatile Instant suspendedRead = Instant.EPOCH;

    private long hour() {
        return clock.instant().getEpochSecond() / 3600;
    }

    /**
     * RCPT TO from a session authenticated as {@code login}: null when the recipient may be added,
     * else the refusal (550 for a held account, 452 for a limit reached: the client tries later).
     *
     * @param taken the recipients the transaction has so far
     */
    public Reply screenSubmission(String login, String sender, String recipient, int taken) {
        GuardrailConfiguration limits = configuration.guardrails();
        if (limits.maxRecipients() > 0 && taken >= limits.maxRecipients()) {
            return Reply.of(452, "4.5.3", "Error: too many recipients, at most " + limits.maxRecipients() + " per message");
        }
        if (taken > 0) {
            return null; // the message's own checks were made at its first recipient
        }
        if (controls.heldAccount(login).isPresent()) {
            return Reply.of(550, "5.7.1", "Error: account " + login + " is held: its mail bounced too often; the administrator releases it");
        }
        long now = hour();
        Reply over = over(login, limits.messagesPerHour(), limits.messagesPerDay(), now, "messages for " + login);
        if (over == null && !sender.isEmpty() && (limits.domainMessagesPerHour() > 0 || limits.domainMessagesPerDay() > 0)) {
            over = over(domainAccount(sender), limits.domainMessagesPerHour(),
                    limits.domainMessagesPerDay(), now, "messages for the domain " + Domains.of(sender));
        }
        return over;
    }

    private Reply over(String account, int perHour, int perDay, long now, String what) {
        if (perHour > 0 && controls.messagesSince(account, now) >= perHour) {
            return Reply.of(452, "4.7.1", "Error: sending limit reached: " + perHour + " " + what + " an hour, try again later");
        }
        if (perDay > 0 && controls.messagesSince(account, now - 23) >= perDay) {
            return Reply.of(452, "4.7.1", "Error: sending limit reached: " + perDay + " " + what + " a day, try again later");
        }
        return null;
    }

    /** A message from an authenticated account was taken: it counts toward its limits. */
    public void sent(String login, String sender) {
        GuardrailConfiguration limits = configuration.guardrails();
        long now = hour();
        try {
            if (limits.messagesPerHour() > 0 || limits.messagesPerDay() > 0) {
                controls.countMessage(login, now);
            }
            if (!sender.isEmpty() && (limits.domainMessagesPerHour() > 0 || limits.domainMessagesPerDay() > 0)) {
                controls.countMessage(domainAccount(sender), now);
            }
        } catch (RuntimeException e) {
            // the message is taken; a count missed errs toward the sender
            LOG.log(Level.WARNING, "could not count a message of " + LogText.escape(login) + " toward its sending limits", e);
        }
    }

    /** The account a sender domain's mail counts under: {@code @} and the domain in A-label form, however it was spelt. */
    static String domainAccount(String sender) {
        String domain = Domains.of(sender);
        try {
            return "@" + Domains.ascii(domain);
        } catch (IllegalArgumentException e) {
            return "@" + domain.toLowerCase(Locale.ROOT);
        }
    }

    /** The refusal a suppressed recipient gets instead of an attempt, if it is suppressed. */
    public Optional<Reply> suppressed(String recipient) {
        if (configuration.guardrails().suppression().isZero()) {
            return Optional.empty();
        }
        // the reason in words of our own: the destination's reply was to someone else's message
        return controls.suppression(recipient.toLowerCase(Locale.ROOT), clock.instant()).map(s -> Reply.of(550, "5.1.1",
                "<" + recipient + ">: not tried: the destination answered that this mailbox does not exist on "
                        + DAY.format(s.createdAt()) + "; suppressed until " + DAY.format(s.expiresAt())));
    }

    /**
     * After an attempt: a recipient that answered "user unknown" is suppressed; the account that
     * submitted the entry counts its hard bounces and is held when they reach the threshold. A
     * refusal the destination gave every recipient alike (of the sender, of the content, of our
     * address) is one bounce and suppresses nobody: it says nothing about the recipients, and
     * one hostile server must not hold an account by refusing twenty of its recipients at once.
     */
    public void attempted(QueuedMessage entry, List<RecipientReply> replies) {
        GuardrailConfiguration limits = configuration.guardrails();
        Instant now = clock.instant();
        Set<String> distinct = new java.util.HashSet<>();
        List<RecipientReply> hard = replies.stream().filter(r -> r.reply().code() >= 500).toList();
        hard.forEach(r -> distinct.add(r.reply().render()));
        boolean perRecipient = distinct.size() == hard.size() || hard.size() == 1 && replies.size() == 1;
        if (perRecipient && !limits.suppression().isZero()) {
            for (RecipientReply reply : hard) {
                if (unknownUser(reply.reply())) {
                    controls.suppress(reply.recipient().toLowerCase(Locale.ROOT), TraceLog.render(reply.reply()), now,
                            now.plus(limits.suppression()));
                }
            }
        }
        int bounces = perRecipient ? hard.size() : 1;
        if (hard.isEmpty() || entry.getAccount() == null || limits.holdAfterBounces() == 0) {
            return;
        }
        int count = 0;
        for (int i = 0; i < bounces; i++) {
            count = controls.countBounce(entry.getAccount(), hour());
        }
        if (count >= limits.holdAfterBounces()) {
            hold(entry.getAccount(), count + " hard bounces in an hour (SMTP_HOLD_AFTER_BOUNCES " + limits.holdAfterBounces() + ")");
        }
    }

    /** Holds the account: it sends nothing more, and its waiting mail waits; the operator hears of it. */
    void hold(String account, String reason) {
        if (!controls.holdAccount(account, clock.instant(), reason)) {
            return; // held already
        }
        List<String> entries = controls.holdEntriesOf(account);
        LOG.warning(() -> "account " + LogText.escape(account) + " held: " + reason + "; " + entries.size() + " queued message(s) held");
        events.publish("account.held", () -> ServerEvent.fields("account", account, "reason", reason, "held_messages", entries.size()));
    }

    /** An administrator releases a held account and its held mail; false when it was not held. */
    public boolean release(String account, String actor, QueueWakeups wakeups) {
        if (!controls.releaseAccount(account)) {
            return false;
        }
        List<String> entries = controls.releaseEntriesOf(account, clock.instant());
        entries.forEach(id -> wakeups.wake(id, Duration.ZERO));
        LOG.info(() -> "account " + LogText.escape(account) + " released by " + LogText.escape(actor) + " with " + entries.size() + " message(s)");
        return true;
    }

    /**
     * Whether a recipient's refusal says the mailbox does not exist: the enhanced status code alone
     * (RFC 3463 X.1.1 bad mailbox, X.1.6 moved, X.1.10 null MX), never words a server may use of
     * something else.
     */
    static boolean unknownUser(Reply reply) {
        String status = reply.status();
        return reply.code() >= 500 && status != null && (status.equals("5.1.1") || status.equals("5.1.6") || status.equals("5.1.10"));
    }

    /** Whether mail for the domain waits (an administrator suspended it); read from the database every few seconds. */
    public boolean isSuspended(String domain) {
        Instant now = clock.instant();
        if (now.isAfter(suspendedRead.plus(SUSPENSIONS_FRESH))) {
            try {
                suspended = controls.suspensions().stream().map(QueueControls.Suspension::domain).collect(Collectors.toUnmodifiableSet());
                suspendedRead = now;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "suspended domains unreadable; the last known apply", e);
            }
        }
        return suspended.contains(domain.toLowerCase(Locale.ROOT));
    }

    /** Forgets the cached suspensions: this node applies a change at once. */
    void changed() {
        suspendedRead = Instant.EPOCH;
    }
}
