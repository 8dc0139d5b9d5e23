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

import org.mailforge.application.MessageHeaders;
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
        return queue(message, vouched ? dkim.signed(message.content()) : message.content(), remoteRecipients);
    }

    /**
     * Queues the copy an alias of {@code aliasDomain} forwards to outside addresses: signed when we
     * vouch for its author, else sealed with ARC by the alias domain with the results found at
     * receipt (never signed as its From: domain).
     */
    public List<QueuedMessage> enqueueForwarded(InboundMessage message, List<String> outside, boolean vouched, String aliasDomain,
            org.mailforge.application.verification.AuthenticationResults results) throws IOException {
        return queue(message, vouched ? dkim.signed(message.content()) : dkim.sealed(message.content(), aliasDomain, results), outside);
    }

    private List<QueuedMessage> queue(InboundMessage message, org.mailforge.smtp.spi.MessageContent content, List<String> remoteRecipients)
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
                message.deliverBy() != null && message.deliverBy().returnOnFailure());
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
        Optional<QueuedMessage> found = queue.find(id);
        if (found.isEmpty() || !delete(id)) {
            return false;
        }
        QueuedMessage entry = found.get();
        LOG.info(() -> "queue entry " + id + " deleted by " + org.mailforge.application.LogText.escape(actor));
        TraceStep step = adminStep(entry, TraceStep.Outcome.FAILED, "deleted from the queue by " + actor + ", the sender was not told");
        if (entry.getStatus() == QueueStatus.FAILED) {
            trace.steps(entry.getSessionId(), List.of(step)); // concluded when it failed
        } else {
            trace.concluded(entry.getSessionId(), entry.pendingRecipients().size(), List.of(step));
        }
        return true;
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
