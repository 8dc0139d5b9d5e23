package org.mailforge.application.outbound;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.LogText;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.application.trace.TraceLog;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.domain.queue.OutboundQueue;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.domain.queue.QueuedRecipient;
import org.mailforge.application.config.OutboundConfiguration;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.queue.QueueSpool;
import org.mailforge.smtp.ratelimit.Slots;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Reply;

/**
 * Runs delivery attempts for queue entries and decides what follows: done, retry later with
 * backoff, or give up and tell the sender (RFC 3464). Every decision is committed before the next
 * wake-up is sent, so a crash at any point leaves the entry in the queue, never lost.
 */
@ApplicationScoped
public class DeliveryAgent {

    private static final Logger LOG = Logger.getLogger(DeliveryAgent.class.getName());

    @Inject
    OutboundQueue queue;

    @Inject
    QueueSpool spool;

    @Inject
    OutboundTransport transport;

    @Inject
    QueueWakeups wakeups;

    @Inject
    ServerConfiguration configuration;

    @Inject
    LocalDelivery mail;

    @Inject
    MailMetrics metrics;

    @Inject
    ServerEvents events;

    @Inject
    TraceLog trace;

    @Inject
    SendingGuardrails guardrails;

    @Inject
    org.mailforge.application.outbound.tlsreport.TlsReporting tlsReports;

    Clock clock = Clock.systemUTC();

    /** A suspended destination's entries are looked at again after this (a resume wakes them at once). */
    static final Duration SUSPENDED_DELAY = Duration.ofMinutes(1);

    /** When a destination has all its slots busy, the entry is looked at again after this. */
    static final Duration BUSY_DESTINATION_DELAY = Duration.ofSeconds(30);

    /** Attempts per destination domain at once on this node (SMTP_OUTBOUND_MAX_PER_DESTINATION). */
    private Slots<String> destinations;

    @jakarta.annotation.PostConstruct
    void init() {
        destinations = new Slots<>(configuration.outbound().maxPerDestination());
    }

    /** One attempt for the entry, if it is due and nobody else is trying it. */
    public void attempt(String id) {
        Instant now = clock.instant();
        OutboundConfiguration outbound = configuration.outbound();
        Optional<String> destination = queue.destination(id); // a look at one column: the claim below loads the entry
        if (destination.isEmpty()) {
            return;
        }
        if (guardrails.isSuspended(destination.get())) {
            wakeups.wake(id, SUSPENDED_DELAY); // an administrator suspended the destination: not an attempt
            return;
        }
        // a destination that holds its connections (a tarpit) may take only its share of the workers
        Slots.Slot slot = destinations.tryTake(destination.get().toLowerCase(java.util.Locale.ROOT));
        if (slot == null) {
            wakeups.wake(id, BUSY_DESTINATION_DELAY); // not an attempt: nothing is counted against the entry
            return;
        }
        try (slot) {
            attempt(id, now, outbound);
        }
    }

    private void attempt(String id, Instant now, OutboundConfiguration outbound) {
        Optional<QueuedMessage> claimed = queue.claim(id, now, now.plus(outbound.leaseTime()));
        if (claimed.isEmpty()) {
            return;
        }
        QueuedMessage entry = claimed.get();
        if (entry.deadlinePassed(now)) {
            entry.fail("delivery time expired (DELIVERBY " + entry.getDeliverBy() + ")", now);
            trace.steps(entry.getSessionId(), List.of(new TraceStep(now, TraceStep.Kind.ATTEMPT, null, entry.getId(),
                    TraceStep.Outcome.FAILED, null, "not attempted: the time the sender gave (DELIVERBY " + entry.getDeliverBy() + ") ran out")));
            conclude(entry, now);
            return;
        }
        List<QueuedRecipient> pending = entry.pendingRecipients();
        MessageContent content;
        try {
            content = spool.open(entry.getContentFile());
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "queue entry " + id + ": content file unreadable, will retry", e);
            entry.attempted("local error: queued content unreadable", now, outbound.delayAfter(entry.getAttempts()));
            conclude(entry, now);
            return;
        }
        // a recipient that refused for good lately is not tried again: its sender hears at once
        List<RecipientReply> suppressed = new java.util.ArrayList<>();
        List<String> tried = new java.util.ArrayList<>();
        for (QueuedRecipient recipient : pending) {
            guardrails.suppressed(recipient.getAddress()).ifPresentOrElse(
                    reply -> suppressed.add(new RecipientReply(recipient.getAddress(), reply)), () -> tried.add(recipient.getAddress()));
        }
        long started = System.nanoTime();
        OutboundTransport.Attempt attempt = tried.isEmpty() ? new OutboundTransport.Attempt(List.of(), null)
                : transport.attempt(entry.getDomain(), entry.getSender(), tried, content, entry.isSmtpUtf8());
        try { // after an attempt, nothing may keep its outcome from being recorded (a lost 250 would be sent again)
            guardrails.attempted(entry, attempt.replies());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "queue entry " + entry.getId() + ": the guardrails could not count this attempt", e);
        }
        if (!entry.hasNullSender()) { // bounces and TLS reports are not counted: reports about reports would multiply
            tlsReports.record(attempt.tls()); // never throws
        }
        List<RecipientReply> replies = new java.util.ArrayList<>(suppressed);
        replies.addAll(attempt.replies());
        traceAttempt(entry, suppressed, "not tried: the recipient is on the suppression list");
        traceAttempt(entry, attempt.replies(), (attempt.route() == null ? "" : "via " + attempt.route() + ", ")
                + "attempt " + (entry.getAttempts() + 1) + ", " + (System.nanoTime() - started) / 1_000_000 + " ms");
        record(entry, replies, clock.instant(), outbound.delayAfter(entry.getAttempts()));
        conclude(entry, clock.instant());
    }

    /**
     * Records what an ATRN client said about each recipient of a held entry; no replies means the
     * entry was not offered (the connection ended first) and only its lease is released.
     */
    public void recordTurn(String id, List<RecipientReply> replies) {
        queue.find(id).ifPresent(entry -> {
            if (replies.isEmpty()) {
                entry.release();
                queue.recordAttempt(entry);
                return;
            }
            traceAttempt(entry, replies, "collected over ATRN");
            record(entry, replies, clock.instant(), configuration.outbound().delayAfter(entry.getAttempts()));
            conclude(entry, clock.instant());
        });
    }

    /**
     * An administrator deletes the entry and tells its sender: every recipient still pending fails
     * with {@code reason}, and the sender gets the bounce. Returns the notification's id, or null.
     */
    public String returnToSender(QueuedMessage entry, String reason) {
        entry.fail(reason, clock.instant());
        return notifySender(entry, DeliveryStatusNotification.Kind.FAILED, entry.failedRecipients());
    }

    /** Each recipient's reply of an attempt, verbatim, into the message's trace. */
    private void traceAttempt(QueuedMessage entry, List<RecipientReply> replies, String detail) {
        if (replies.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        trace.steps(entry.getSessionId(), replies.stream().map(reply -> new TraceStep(now, TraceStep.Kind.ATTEMPT,
                reply.recipient().toLowerCase(java.util.Locale.ROOT), entry.getId(), reply.delivered() ? TraceStep.Outcome.OK
                        : reply.reply().code() >= 500 ? TraceStep.Outcome.FAILED : TraceStep.Outcome.DEFERRED,
                render(reply.reply()), detail)).toList());
    }

    private static void record(QueuedMessage entry, List<RecipientReply> replies, Instant now, Duration scheduledGap) {
        String error = null;
        for (RecipientReply reply : replies) {
            for (QueuedRecipient recipient : entry.pendingRecipients()) {
                if (recipient.getAddress().equals(reply.recipient())) {
                    recipient.record(reply.reply().code(), render(reply.reply()));
                }
            }
            if (!reply.delivered() && error == null) {
                error = render(reply.reply());
            }
        }
        entry.attempted(error, now, scheduledGap);
    }

    /** After an attempt: remove, reschedule or give up, and tell the sender what it must know. */
    private void conclude(QueuedMessage entry, Instant now) {
        OutboundConfiguration outbound = configuration.outbound();
        if (entry.hasPendingRecipients() && entry.attemptsExhausted()) {
            entry.fail("gave up after " + entry.getAttempts() + " attempts", now);
        }
        if (entry.hasPendingRecipients() && entry.getStatus() != QueueStatus.FAILED) {
            // by the schedule, from the last attempt that counted (an ETRN run does not move it)
            Instant next = entry.dueAfter(outbound.delayAfter(entry.getAttempts()), now);
            Instant deadline = entry.returnDeadline();
            if (deadline != null && next.isAfter(deadline)) {
                next = deadline; // mode R: return the message at its deadline, not later
            }
            if (entry.needsDelayNotice(now)) {
                String notice = notifySender(entry, DeliveryStatusNotification.Kind.DELAYED, entry.pendingRecipients());
                if (notice != null) {
                    trace.steps(entry.getSessionId(), List.of(notified(entry, notice, "the sender was told it is delayed")));
                }
                entry.delayNotified();
            }
            if (entry.getNextRetry() == null) {
                entry.attemptedWhileHeld(); // collected with ATRN: keep holding it for the next turn
                queue.recordAttempt(entry);
                return;
            }
            entry.retryAt(next);
            queue.recordAttempt(entry);
            wakeups.wake(entry.getId(), Duration.between(now, next));
            return;
        }
        List<QueuedRecipient> failed = entry.failedRecipients();
        if (!failed.isEmpty()) {
            // the last attempt may have succeeded for the others: the reason is a failed recipient's reply
            String reason = entry.getLastError() != null ? entry.getLastError() : failed.get(0).getLastReply();
            entry.fail(reason, now);
            String notice = notifySender(entry, DeliveryStatusNotification.Kind.FAILED, failed);
            queue.recordAttempt(entry); // kept, as failed, for the administrator to inspect, retry or delete
            trace.concluded(entry.getSessionId(), failed.size(), notice == null ? List.of()
                    : List.of(notified(entry, notice, "the sender was told it failed (" + failed.size() + " recipient(s))")));
            metrics.sent(false);
            events.publish("message.failed", () -> summary(entry, failed, "error", entry.getLastError()));
            LOG.info(() -> "queue entry " + entry.getId() + " failed for " + failed.size() + " recipient(s): " + LogText.escape(entry.getLastError()));
        } else {
            queue.remove(entry.getId());
            spool.delete(entry.getContentFile());
            trace.concluded(entry.getSessionId(), 0, List.of());
            metrics.sent(true);
            events.publish("message.sent", () -> summary(entry, entry.getRecipients(), "destination", entry.getDomain()));
            LOG.fine(() -> "queue entry " + entry.getId() + " delivered to " + entry.getDomain());
        }
    }

    private static Map<String, Object> summary(QueuedMessage entry, List<QueuedRecipient> recipients, String name, String value) {
        return ServerEvent.fields(
                "message_id", entry.getId(),
                "from", entry.getSender(),
                "to", recipients.stream().map(QueuedRecipient::getAddress).toList(),
                "subject", entry.getSubject(),
                "size_bytes", entry.getSizeBytes(),
                "attempts", entry.getAttempts(),
                name, value);
    }

    private TraceStep notified(QueuedMessage entry, String notice, String what) {
        return new TraceStep(clock.instant(), TraceStep.Kind.NOTIFIED, null, entry.getId(), TraceStep.Outcome.INFO, null,
                what + ": notification " + notice + " to " + entry.getSender());
    }

    /** Sends the sender a notification; its id, or null when none was sent. */
    private String notifySender(QueuedMessage entry, DeliveryStatusNotification.Kind kind, List<QueuedRecipient> recipients) {
        if (entry.hasNullSender()) {
            return null; // never bounce a bounce
        }
        try {
            boolean expired = entry.deadlinePassed(clock.instant());
            List<DeliveryStatusNotification.Entry> lines = recipients.stream().map(r -> new DeliveryStatusNotification.Entry(
                    r.getAddress(), r.getLastReply() != null ? r.getLastReply() : String.valueOf(entry.getLastError()),
                    expired ? "5.4.7" : statusOf(r.getLastReply(), kind), r.getLastReply() != null)).toList();
            String reason = kind == DeliveryStatusNotification.Kind.DELAYED
                    ? "not delivered by " + entry.getDeliverBy() + " as requested (DELIVERBY), still trying"
                    : entry.getLastError();
            byte[] report = DeliveryStatusNotification.compose(kind, configuration.listener().hostname(), entry.getId(),
                    entry.getSender(), entry.getCreatedAt(), reason, lines, spool.open(entry.getContentFile()), clock.instant());
            InboundMessage notice = DeliveryStatusNotification.message(entry.getId(), configuration.listener().hostname(), entry.getSender(),
                    report, clock.instant());
            Reply reply = mail.deliverOwn(notice);
            if (reply.code() >= 400) {
                LOG.warning("queue entry " + entry.getId() + ": notification to " + LogText.escape(entry.getSender()) + " not accepted: " + reply);
                return null;
            }
            return notice.sessionId();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "queue entry " + entry.getId() + ": could not notify " + entry.getSender(), e);
            return null;
        }
    }

    private static String statusOf(String lastReply, DeliveryStatusNotification.Kind kind) {
        if (lastReply != null) {
            String[] parts = lastReply.split(" ", 3);
            if (parts.length > 1 && parts[1].matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
                return kind == DeliveryStatusNotification.Kind.DELAYED ? "4" + parts[1].substring(1) : parts[1];
            }
        }
        return kind == DeliveryStatusNotification.Kind.DELAYED ? "4.4.7" : "5.4.7";
    }

    private static String render(Reply reply) {
        return reply.code() + (reply.status() == null ? "" : " " + reply.status()) + " " + String.join(" ", reply.lines());
    }

}
