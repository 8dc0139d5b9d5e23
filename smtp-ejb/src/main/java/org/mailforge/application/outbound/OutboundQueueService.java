package org.mailforge.application.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.MessageHeaders;
import org.mailforge.application.trace.TraceLog;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.domain.queue.OutboundQueue;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.application.config.OutboundConfiguration;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.queue.QueueSpool;
import org.mailforge.smtp.spi.Domains;
import org.mailforge.smtp.spi.HeldMail;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.TurnResult;

/**
 * The outbound queue as the rest of the server sees it: accepting mail for other domains,
 * the administrator's view and actions, and the client-triggered runs ETRN and ATRN.
 */
@ApplicationScoped
public class OutboundQueueService {

    private static final Logger LOG = Logger.getLogger(OutboundQueueService.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    @Inject
    OutboundQueue queue;

    @Inject
    QueueSpool spool;

    @Inject
    ServerConfiguration configuration;

    @Inject
    org.mailforge.application.directory.MailDirectory directory;

    @Inject
    QueueWakeups wakeups;

    @Inject
    org.mailforge.application.dkim.DkimKeyService dkim;

    @Inject
    TraceLog trace;

    @Inject
    DeliveryAgent agent;

    @Inject
    SendingGuardrails guardrails;

    @Inject
    org.mailforge.domain.queue.QueueControls controls;

    /** Entries a bulk action touches at most in one call; the answer says when more matched. */
    public static final int MAX_BULK = 10_000;

    /** What a bulk action does to each entry it matches. */
    public enum BulkAction {
        RETRY, HOLD, RELEASE, DELETE
    }

    /** An attempt holds the entry right now: retry or delete it once the attempt has ended (a few seconds). */
    public static final class EntryBusyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        EntryBusyException(String id) {
            super("queue entry " + id + " is being attempted right now; try again in a moment");
        }
    }

    private void notLeased(QueuedMessage entry) {
        if (entry.isLeased(clock.instant())) {
            throw new EntryBusyException(entry.getId());
        }
    }

    /** What a bulk action did: entries matched (at most {@link #MAX_BULK}) and entries changed. */
    public record BulkResult(int matched, int touched) {
    }

    Clock clock = Clock.systemUTC();

    /**
     * Queues a message for its remote recipients, one entry per destination domain. When this
     * returns, content and entries are durable; call {@link #wake} once the caller has answered.
     * Mail this server vouches for, from a local domain with an active DKIM key, is signed here,
     * once: every attempt and every destination sends the same signed octets.
     *
     * @param vouched whether the message's authors are ours to vouch for (an authenticated user's own
     *                addresses, our own notifications); mail passed on for others is never signed as theirs
     */
    public List<QueuedMessage> enqueue(InboundMessage message, List<String> remoteRecipients, boolean vouched) throws IOException {
        return queue(message, vouched ? dkim.signed(message.content()) : message.content(), remoteRecipients, message.authenticatedUser());
    }

    /**
     * Queues the copy an alias of {@code aliasDomain} forwards to outside addresses: signed when we
     * vouch for its author, else sealed with ARC by the alias domain with the results found at
     * receipt (never signed as its From: domain).
     */
    public List<QueuedMessage> enqueueForwarded(InboundMessage message, List<String> outside, boolean vouched, String aliasDomain,
            org.mailforge.application.verification.AuthenticationResults results) throws IOException {
        // an alias's forwards are the alias's mail, not the sender's: their bounces never count against an account
        return queue(message, vouched ? dkim.signed(message.content()) : dkim.sealed(message.content(), aliasDomain, results), outside, null);
    }

    private List<QueuedMessage> queue(InboundMessage message, org.mailforge.smtp.spi.MessageContent content, List<String> remoteRecipients,
                                      String account)
            throws IOException {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : remoteRecipients) {
            byDomain.computeIfAbsent(Domains.of(recipient).toLowerCase(Locale.ROOT), d -> new ArrayList<>()).add(recipient);
        }
        OutboundConfiguration outbound = configuration.outbound();
        Instant now = clock.instant();
        QueuedMessage.Envelope envelope = new QueuedMessage.Envelope(message.reversePath(), MessageHeaders.subject(message),
                content.size(), message.smtpUtf8(), message.sessionId(),
                message.deliverBy() == null ? null : message.receivedAt().plusSeconds(message.deliverBy().seconds()),
                message.deliverBy() != null && message.deliverBy().returnOnFailure(), account);
        List<QueuedMessage> entries = new ArrayList<>(byDomain.size());
        List<String> files = new ArrayList<>(byDomain.size());
        try {
            for (Map.Entry<String, List<String>> destination : byDomain.entrySet()) {
                String id = newId();
                String file = files.isEmpty() ? spool.write(id, content) : spool.link(files.get(0), id);
                files.add(file);
                QueuedMessage entry = new QueuedMessage(id, envelope, destination.getKey(), destination.getValue(),
                        file, outbound.maxAttempts(), now);
                if (outbound.isHeld(destination.getKey())) {
                    entry.hold();
                }
                entries.add(entry);
            }
            queue.add(entries);
        } catch (IOException | RuntimeException e) {
            files.forEach(spool::delete);
            throw e;
        }
        return entries;
    }

    /** Starts the first attempt of freshly queued entries (held ones wait for ETRN/ATRN). */
    public void wake(List<QueuedMessage> entries) {
        for (QueuedMessage entry : entries) {
            if (entry.getNextRetry() != null) {
                wakeups.wake(entry.getId(), Duration.ZERO);
            }
        }
    }

    public List<QueuedMessage> list(QueueStatus status, String domain, int offset, int limit) {
        return queue.list(status, domain, offset, limit);
    }

    public long count(QueueStatus status, String domain) {
        return queue.count(status, domain);
    }

    /** The administrator's "retry now" (also of a failed entry, which opens again); false when there is no such entry. */
    public boolean retryNow(String id, String actor) {
        Optional<QueuedMessage> found = queue.find(id);
        if (found.isEmpty()) {
            return false;
        }
        QueuedMessage entry = found.get();
        notLeased(entry); // two attempts at once would deliver twice
        boolean wasFailed = entry.getStatus() == QueueStatus.FAILED;
        int failedRecipients = entry.failedRecipients().size();
        entry.forceRetry(clock.instant());
        queue.update(entry);
        wakeups.wake(id, Duration.ZERO);
        TraceStep step = adminStep(entry, TraceStep.Outcome.INFO, "retry now, by " + actor);
        if (wasFailed) {
            trace.reopened(entry.getSessionId(), failedRecipients, step);
        } else {
            trace.steps(entry.getSessionId(), List.of(step));
        }
        return true;
    }

    /** Removes an entry and its content (the sender is not told); false when there is no such entry. */
    public boolean delete(String id, String actor) {
        return delete(id, actor, false);
    }

    /**
     * Removes an entry and its content; with {@code notify} its sender gets a bounce for the
     * recipients still pending. False when there is no such entry.
     */
    public boolean delete(String id, String actor, boolean notify) {
        Optional<QueuedMessage> found = queue.find(id);
        if (found.isEmpty()) {
            return false;
        }
        QueuedMessage entry = found.get();
        notLeased(entry); // its attempt may be delivering it: no bounce for a delivered message, no trace concluded twice
        boolean wasFailed = entry.getStatus() == QueueStatus.FAILED;
        int pending = entry.pendingRecipients().size();
        String notice = notify && !wasFailed ? agent.returnToSender(entry, "deleted from the queue by the administrator") : null;
        if (!delete(id)) {
            return false;
        }
        LOG.info(() -> "queue entry " + id + " deleted by " + org.mailforge.application.common.LogText.escape(actor));
        TraceStep step = adminStep(entry, TraceStep.Outcome.FAILED, "deleted from the queue by " + actor
                + (notice != null ? ", the sender was notified (notification " + notice + ")" : ", the sender was not told"));
        if (wasFailed) {
            trace.steps(entry.getSessionId(), List.of(step)); // concluded when it failed
        } else {
            trace.concluded(entry.getSessionId(), pending, List.of(step));
        }
        return true;
    }

    /** An administrator holds a waiting entry: nothing is attempted until it is released. False when it was not waiting. */
    public boolean hold(String id, String actor) {
        Optional<QueuedMessage> found = queue.find(id);
        if (found.isEmpty() || !queue.hold(id)) {
            return false;
        }
        trace.steps(found.get().getSessionId(), List.of(adminStep(found.get(), TraceStep.Outcome.INFO, "held by " + actor)));
        return true;
    }

    /** Releases a held entry, due at once. False when it was not held. */
    public boolean release(String id, String actor) {
        Optional<QueuedMessage> found = queue.find(id);
        if (found.isEmpty() || !queue.release(id, clock.instant())) {
            return false;
        }
        wakeups.wake(id, Duration.ZERO);
        trace.steps(found.get().getSessionId(), List.of(adminStep(found.get(), TraceStep.Outcome.INFO, "released by " + actor)));
        return true;
    }

    /**
     * Applies {@code action} to every entry the filter matches (at most {@link #MAX_BULK}, oldest
     * first), each as its single action would; {@code notify} sends deleted entries' senders a bounce.
     */
    public BulkResult bulk(BulkAction action, boolean notify, org.mailforge.domain.queue.QueueFilter filter, String actor) {
        List<QueuedMessage> matched = queue.matching(filter, MAX_BULK);
        int touched = 0;
        for (QueuedMessage entry : matched) {
            boolean done;
            try {
                done = switch (action) {
                    case RETRY -> retryNow(entry.getId(), actor);
                    case HOLD -> hold(entry.getId(), actor);
                    case RELEASE -> release(entry.getId(), actor);
                    case DELETE -> delete(entry.getId(), actor, notify);
                };
            } catch (EntryBusyException e) {
                done = false; // being attempted: matched, not touched
            }
            touched += done ? 1 : 0;
        }
        int count = touched;
        LOG.info(() -> "bulk " + action.name().toLowerCase(Locale.ROOT) + " by " + org.mailforge.application.common.LogText.escape(actor)
                + ": " + count + " of " + matched.size() + " matching entries");
        return new BulkResult(matched.size(), touched);
    }

    public List<org.mailforge.domain.queue.QueueControls.Suspension> suspensions() {
        return controls.suspensions();
    }

    /** Suspends a destination domain: its mail waits on every node (within seconds), nothing is attempted. */
    public org.mailforge.domain.queue.QueueControls.Suspension suspend(String domain, String actor) {
        org.mailforge.domain.queue.QueueControls.Suspension suspension = controls.suspend(domain, clock.instant(), actor);
        guardrails.changed();
        LOG.info(() -> "destination " + domain + " suspended by " + org.mailforge.application.common.LogText.escape(actor));
        return suspension;
    }

    /** Resumes a suspended destination: its waiting mail is tried now. False when it was not suspended. */
    public boolean resume(String domain, String actor) {
        if (!controls.resume(domain)) {
            return false;
        }
        guardrails.changed();
        // each waiting entry looked at now (those that were due are tried; mail held for ATRN stays held: no expedite)
        queue.waitingFor(domain).forEach(id -> wakeups.wake(id, Duration.ZERO));
        LOG.info(() -> "destination " + domain + " resumed by " + org.mailforge.application.common.LogText.escape(actor));
        return true;
    }

    public List<org.mailforge.domain.queue.QueueControls.HeldAccount> heldAccounts() {
        return controls.heldAccounts();
    }

    /** Suppressed recipients in force now, newest first. */
    public List<org.mailforge.domain.queue.QueueControls.Suppression> suppressions(int offset, int limit) {
        return controls.suppressions(clock.instant(), offset, limit);
    }

    public long countSuppressions() {
        return controls.countSuppressions(clock.instant());
    }

    /** Takes an address off the suppression list: it is tried again. False when it was not on it. */
    public boolean unsuppress(String address, String actor) {
        boolean removed = controls.unsuppress(address.toLowerCase(Locale.ROOT));
        if (removed) {
            LOG.info(() -> "suppression of " + org.mailforge.application.common.LogText.escape(address) + " lifted by "
                    + org.mailforge.application.common.LogText.escape(actor));
        }
        return removed;
    }

    /** Forgets suppressions that ended and sending counts older than a day; returns how many rows went. */
    public int purgeControls(Instant now) {
        return controls.purge(now, now.getEpochSecond() / 3600 - 25);
    }

    /** Releases an account held for bouncing, and its held mail. False when it was not held. */
    public boolean releaseAccount(String account, String actor) {
        return guardrails.release(account, actor, wakeups);
    }

    /** Removes an entry and its content; false when there is no such entry. */
    public boolean delete(String id) {
        Optional<QueuedMessage> found = queue.find(id);
        if (found.isEmpty()) {
            return false;
        }
        queue.remove(id);
        spool.delete(found.get().getContentFile());
        return true;
    }

    private TraceStep adminStep(QueuedMessage entry, TraceStep.Outcome outcome, String what) {
        return new TraceStep(clock.instant(), TraceStep.Kind.ADMIN, null, entry.getId(), outcome, null, what);
    }

    /**
     * Removes failed entries older than SMTP_QUEUE_FAILED_RETENTION with their content: the sender
     * had its bounce when the entry failed, the administrator had the retention to look at it.
     *
     * @return how many entries were removed
     */
    public int purgeFailed(java.time.Instant now) {
        List<QueuedMessage> expired = queue.failedBefore(now.minus(configuration.outbound().failedRetention()), 1000);
        for (QueuedMessage entry : expired) {
            queue.remove(entry.getId());
            spool.delete(entry.getContentFile());
        }
        return expired.size();
    }

    /** ETRN asks for a domain at most this often (per node); more often is refused with 458. */
    static final Duration ETRN_INTERVAL = Duration.ofMinutes(1);
    private final java.util.Map<String, Instant> lastRuns = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * ETRN (RFC 1985): the domain's deferred mail is tried now. Anyone may ask, so it may not do
     * harm: held domains (ATRN customers) are refused, a domain is expedited at most once a
     * minute, and an attempt brought forward does not count against the retry schedule.
     */
    public Reply startRun(String domain) {
        if (directory.isLocal(domain)) {
            return Reply.of(459, "5.1.2", "Node " + domain + " not allowed: mail for it is delivered here");
        }
        if (configuration.outbound().isHeld(domain)) {
            return Reply.of(459, "5.7.1", "Node " + domain + " not allowed: its mail waits for ATRN");
        }
        List<String> waiting = queue.waitingFor(domain);
        if (waiting.isEmpty()) {
            return Reply.of(251, "2.0.0", "OK, no messages waiting for node " + domain);
        }
        // only domains with waiting mail are remembered, so the memory is bounded by the queue
        Instant now = clock.instant();
        boolean[] due = new boolean[1];
        lastRuns.compute(domain.toLowerCase(java.util.Locale.ROOT), (key, last) -> {
            due[0] = last == null || !now.isBefore(last.plus(ETRN_INTERVAL));
            return due[0] ? now : last;
        });
        if (!due[0]) {
            return Reply.of(458, "4.7.0", "Unable to queue messages for node " + domain + ": asked less than a minute ago");
        }
        lastRuns.values().removeIf(at -> now.isAfter(at.plus(ETRN_INTERVAL)));
        queue.expedite(domain, now);
        waiting.forEach(id -> wakeups.wake(id, Duration.ZERO));
        return Reply.of(250, "2.0.0", "Queuing started for " + domain);
    }

    /** ATRN (RFC 2645): the mail held for the domains the user may collect, leased to this session. */
    public TurnResult turn(String user, List<String> domains) {
        OutboundConfiguration outbound = configuration.outbound();
        List<String> asked = domains.isEmpty()
                ? outbound.heldDomains().entrySet().stream()
                        .filter(e -> e.getValue().contains(user.toLowerCase(Locale.ROOT))).map(Map.Entry::getKey).toList()
                : domains;
        if (asked.isEmpty()) {
            return TurnResult.refused(Reply.of(450, "4.7.1", "ATRN request refused: no domain to collect for " + user));
        }
        for (String domain : asked) {
            if (!outbound.mayCollect(user, domain)) {
                return TurnResult.refused(Reply.of(450, "4.7.1", "ATRN request refused: " + user + " may not collect mail for " + domain));
            }
        }
        Instant now = clock.instant();
        List<HeldMail> mail = new ArrayList<>();
        for (String domain : asked) {
            for (String id : queue.waitingFor(domain)) {
                queue.claimAnyTime(id, now, now.plus(outbound.leaseTime())).ifPresent(entry -> {
                    try {
                        mail.add(new HeldMail(entry.getId(), entry.getSender(),
                                entry.pendingRecipients().stream().map(r -> r.getAddress()).toList(),
                                spool.open(entry.getContentFile()), entry.isSmtpUtf8()));
                    } catch (IOException e) {
                        LOG.severe("queue entry " + id + ": content unreadable: " + e);
                    }
                });
            }
        }
        return TurnResult.deliver(mail);
    }

    private static String newId() {
        char[] chars = new char[16];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        return "msg_" + new String(chars);
    }
}
