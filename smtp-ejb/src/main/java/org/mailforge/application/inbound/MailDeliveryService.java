package org.mailforge.application.inbound;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.application.outbound.DeliveryStatusNotification;
import org.mailforge.application.outbound.LocalDelivery;
import org.mailforge.application.outbound.OutboundQueueService;
import org.mailforge.application.scanning.ContentScreening;
import org.mailforge.application.trace.TraceLog;
import org.mailforge.application.trace.TraceSteps;
import org.mailforge.application.verification.AuthenticationResults;
import org.mailforge.application.verification.InboundAuthentication;
import org.mailforge.domain.mail.Delivery;
import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.MailboxRefusal;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.domain.mail.StoredMessage;
import org.mailforge.domain.user.User;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.smtp.spi.Domains;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.application.common.LogText;
import org.mailforge.application.common.MessageHeaders;
import org.mailforge.application.common.ForgedHeaders;
import org.mailforge.application.metrics.MailMetrics;

/**
 * Takes responsibility for a received message: stores it in every local recipient's mailbox,
 * queues it for the remote ones, and records it, all or nothing. The 250 it returns means the
 * message is on disk and indexed, and its queue entries are committed.
 */
@ApplicationScoped
public class MailDeliveryService implements LocalDelivery {

    private static final Logger LOG = Logger.getLogger(MailDeliveryService.class.getName());

    @Inject
    MailStore store;

    @Inject
    DeliveryLedger ledger;

    @Inject
    UserRepository users;

    @Inject
    MailMetrics metrics;

    @Inject
    OutboundQueueService outbound;

    @Inject
    ServerConfiguration configuration;

    @Inject
    ServerEvents events;

    @Inject
    ContentScreening screening;

    @Inject
    MailboxQuotas quotas;

    @Inject
    InboundAuthentication authentication;

    @Inject
    MailDirectory directory;

    @Inject
    SenderIdentity senders;

    @Inject
    TraceLog trace;

    @Inject
    org.mailforge.application.outbound.SendingGuardrails guardrails;

    /**
     * RCPT TO an address of a local domain: taken when it reaches something (a user's mailbox in
     * any case of the address, an alias, {@code user+tag}, the catch-all, postmaster: RFC 5321
     * 4.5.1), refused with 550 5.1.1 otherwise, as Postfix's local recipient table does.
     * SMTP_REJECT_UNKNOWN_RECIPIENTS=false takes every address. A mailbox that is full, or that the
     * store's own server refuses, refuses this recipient alone when it is all the address reaches.
     * An SRS address takes only the null sender: a holder of one cannot relay through it.
     */
    public Reply verifyRecipient(String reversePath, String address) {
        if (!reversePath.isEmpty() && directory.srs().isSrs(MailDirectory.normalize(address))) {
            // the address of a sender whose mail we forwarded: it takes that mail's bounces, nothing else
            return Reply.of(550, "5.7.1", "<" + address + ">: Recipient address rejected: SRS addresses take bounces (MAIL FROM:<>) only");
        }
        MailDirectory.Expansion expansion = directory.expand(address);
        if (!expansion.deliverable()) {
            return Reply.of(550, "5.1.1", "<" + address + ">: Recipient address rejected: User unknown in local recipient table");
        }
        if (expansion.forwards().size() > configuration.trust().maxForwards()) {
            return tooManyForwards(address);
        }
        if (!expansion.forwards().isEmpty()) {
            return null; // an outside address takes it whatever the mailboxes say
        }
        Reply refusal = null;
        for (String mailbox : expansion.mailboxes()) {
            User owner = expansion.owners().get(mailbox); // read by the expansion just now
            Reply answer = owner != null && owner.wouldExceedQuota(1)
                    ? Reply.of(452, "4.2.2", "<" + address + ">: Mailbox full, quota exceeded")
                    : probe(mailbox);
            if (answer == null) {
                return null; // one mailbox takes it
            }
            refusal = refusal == null ? answer : refusal;
        }
        return refusal;
    }

    /**
     * More outside copies than SMTP_MAX_FORWARDS: one message to a hundred forwarding aliases must
     * not become thousands of copies from our address (a recipient's refusal, or the message's).
     */
    private Reply tooManyForwards(String address) {
        String limit = "more than " + configuration.trust().maxForwards() + " outside addresses (SMTP_MAX_FORWARDS)";
        return address != null
                ? Reply.of(550, "5.7.1", "<" + address + ">: Recipient address rejected: it forwards to " + limit)
                : Reply.of(550, "5.7.1", "Message rejected: its recipients forward to " + limit);
    }

    /** The store's own word on a mailbox (Dovecot's, through LMTP), so a refusal is this recipient's alone. */
    private Reply probe(String mailbox) {
        try {
            return store.probe(mailbox).map(MailDeliveryService::reply).orElse(null);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot ask the mail store about a recipient, answered 451", e);
            return Reply.of(451, "4.4.0", "<" + mailbox + ">: mail store unavailable, try again later");
        }
    }

    private static Reply reply(MailboxRefusal refusal) {
        String status = refusal.status() != null ? refusal.status() : (refusal.permanent() ? "5.0.0" : "4.0.0");
        return Reply.of(refusal.code(), status, refusal.text());
    }

    /** A message a client sent: its sender is checked (SPF, DKIM, DMARC) before it is screened and stored. */
    public Reply deliver(InboundMessage message) {
        return timed(message, true);
    }

    /**
     * A message this server wrote (a delivery status notification): screened and stored like any
     * other, without the sender checks that are for mail from elsewhere.
     */
    @Override
    public Reply deliverOwn(InboundMessage message) {
        return timed(message, false);
    }

    private Reply timed(InboundMessage message, boolean fromClient) {
        long start = System.nanoTime();
        try {
            Handled handled = screenAndStore(message, fromClient);
            if (handled.reply().code() >= 400) {
                trace.refused(message, handled.reply(), handled.checks() == null ? null : handled.checks().results());
            }
            return handled.reply();
        } finally {
            metrics.processed(java.time.Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** The reply to a message, and the sender checks' results when they were made. */
    private record Handled(Reply reply, AuthenticationResults checks) {
    }

    private Handled screenAndStore(InboundMessage message, boolean fromClient) {
        InboundMessage received;
        try {
            // verdicts are ours to write: a sender's own X-Spam-* or Authentication-Results naming us never reaches a mailbox
            received = message.withContent(ForgedHeaders.strip(message.content(), configuration.trust().authservIds()));
        } catch (java.io.IOException e) {
            LOG.log(java.util.logging.Level.WARNING, "session " + message.sessionId() + ": message unreadable, answered 451", e);
            return new Handled(Reply.of(451, "4.3.0", "Error: local error in processing, try again later"), null);
        }
        // what we vouch for (and sign): our own notifications, and authenticated mail whose authors are its user's
        boolean vouched = !fromClient;
        if (fromClient && message.authenticatedUser() != null) {
            Reply mismatch = senders.verifyAuthors(message.authenticatedUser(), MessageHeaders.authors(received.content()));
            if (mismatch != null && configuration.trust().senderLoginMatch()) {
                metrics.rejected();
                LOG.info(() -> "session " + message.sessionId() + ": refused, " + LogText.escape(mismatch.render().strip()));
                return new Handled(mismatch, null);
            }
            vouched = mismatch == null;
        }
        InboundAuthentication.Verdict verdict = fromClient ? authentication.check(received)
                : new InboundAuthentication.Accept(received, false, null);
        if (verdict instanceof InboundAuthentication.Refuse refusal) {
            metrics.rejected();
            return new Handled(refusal.reply(), refusal.results());
        }
        InboundAuthentication.Accept checked = (InboundAuthentication.Accept) verdict;
        received = checked.message();
        ContentScreening.Outcome screened = screening.screen(received, !fromClient);
        if (screened instanceof ContentScreening.Refuse refusal) {
            metrics.rejected();
            return new Handled(refusal.reply(), checked.results());
        }
        ContentScreening.Accept accepted = (ContentScreening.Accept) screened;
        Folder folder = checked.junk() ? Folder.JUNK : accepted.folder();
        return new Handled(store(received.withContent(accepted.content()), folder, checked.results(), vouched, accepted.scan()),
                checked.results());
    }

    /**
     * Where a message's recipients lead: the mailboxes of the local ones (one copy per mailbox,
     * however many of its addresses the transaction named), the outside addresses an authenticated
     * user relays to, and the outside addresses local aliases forward to.
     *
     * @param mailboxes        every mailbox to store into, in order, without repeats
     * @param accounts         those of the mailboxes that are users' (they have quotas)
     * @param remote           outside recipients (an authenticated user's relay)
     * @param forwards         outside addresses of aliases, queued with an SRS sender
     * @param forwardingDomain the alias domain that passes the outside copies on, or null
     * @param mailboxesOf      for the trace: the mailboxes each local recipient reached
     * @param forwardedBy      for the trace: the alias that forwards to each outside address
     */
    private record Routing(List<String> mailboxes, java.util.Set<String> accounts, List<String> remote, List<String> forwards,
                           String forwardingDomain, java.util.Map<String, List<String>> mailboxesOf,
                           java.util.Map<String, String> forwardedBy) {
    }

    private Routing route(InboundMessage message) {
        java.util.Set<String> mailboxes = new java.util.LinkedHashSet<>();
        java.util.Set<String> accounts = new java.util.HashSet<>();
        List<String> remote = new ArrayList<>();
        java.util.Set<String> forwards = new java.util.LinkedHashSet<>();
        String forwardingDomain = null;
        java.util.Map<String, List<String>> mailboxesOf = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> forwardedBy = new java.util.HashMap<>();
        for (String recipient : message.recipients()) {
            if (!directory.isLocal(Domains.of(recipient))) {
                remote.add(recipient); // the listener let it through: an authenticated user's relay
                continue;
            }
            MailDirectory.Expansion expansion = directory.expand(recipient);
            forwards.addAll(expansion.forwards());
            expansion.forwards().forEach(outside -> forwardedBy.putIfAbsent(outside, recipient));
            mailboxesOf.put(recipient, expansion.deliverable() ? expansion.mailboxes() : List.of(recipient));
            if (forwardingDomain == null && !expansion.forwards().isEmpty()) {
                forwardingDomain = Domains.of(recipient);
            }
            mailboxes.addAll(expansion.mailboxes());
            accounts.addAll(expansion.owners().keySet());
            if (!expansion.deliverable()) {
                // taken at RCPT, gone since (its user or alias was removed): kept under its own name, never dropped
                mailboxes.add(recipient);
            }
        }
        return new Routing(List.copyOf(mailboxes), accounts, remote, List.copyOf(forwards), forwardingDomain, mailboxesOf, forwardedBy);
    }

    /**
     * Claims the message's size in each mailbox's quota ({@code claims} collects them, to be
     * released whatever happens); the refusal when one does not fit (with this message, or with
     * others being delivered right now), else null. A mailbox without an account has no quota: no
     * lookup, no lock.
     */
    private Reply claimQuotas(Routing routing, long size, List<MailboxQuotas.Claim> claims) {
        for (String mailbox : routing.mailboxes()) {
            MailboxQuotas.Claim claim = routing.accounts().contains(mailbox) ? quotas.claim(mailbox, size)
                    : MailboxQuotas.Claim.noAccount(mailbox);
            claims.add(claim);
            if (!claim.fits()) {
                return Reply.of(552, "5.2.2", "<" + mailbox + ">: mailbox full, quota exceeded");
            }
        }
        return null;
    }

    /** What a stored message left in the outbound queue: every entry, and those of aliases' forwards among them. */
    private record Queued(List<QueuedMessage> all, List<QueuedMessage> forwarded) {

        static final Queued NOTHING = new Queued(List.of(), List.of());
    }

    private Queued queue(InboundMessage message, Routing routing, boolean vouched, AuthenticationResults checks,
                         List<QueuedMessage> entries) throws IOException {
        if (!routing.remote().isEmpty()) {
            entries.addAll(outbound.enqueue(message, routing.remote(), vouched));
        }
        List<QueuedMessage> forwarded = List.of();
        if (!routing.forwards().isEmpty()) {
            forwarded = outbound.enqueueForwarded(forwarded(message), routing.forwards(), vouched, routing.forwardingDomain(), checks);
            entries.addAll(forwarded);
        }
        return new Queued(List.copyOf(entries), forwarded);
    }

    /**
     * Stores the message in its local mailboxes and queues it for its outside recipients, all or
     * nothing: what a failure leaves is undone and the client gets a 4xx.
     *
     * @param vouched whether this server vouches for the message's authors (then what it queues is
     *                DKIM-signed with their domain's key); mail it only passes on is never signed as theirs
     */
    private Reply store(InboundMessage message, Folder folder, AuthenticationResults checks, boolean vouched, String scan) {
        List<StoredLocation> stored = new ArrayList<>(message.recipients().size());
        List<QueuedMessage> entries = new ArrayList<>();
        List<MailboxQuotas.Claim> claims = new ArrayList<>(message.recipients().size());
        Routing routing;
        Delivery delivery;
        Queued queued = Queued.NOTHING;
        try {
            routing = route(message);
            if (routing.forwards().size() > configuration.trust().maxForwards()) {
                // each recipient was within the limit at RCPT; together (or since an alias grew) they are not
                metrics.rejected();
                return tooManyForwards(null);
            }
            Reply full = claimQuotas(routing, message.content().size(), claims);
            if (full != null) {
                metrics.rejected();
                return full;
            }
            delivery = routing.mailboxes().isEmpty() ? new Delivery(List.of(), List.of())
                    : store.storeAll(routing.mailboxes(), folder, message.reversePath(), message.content());
            stored.addAll(delivery.stored());
            if (stored.isEmpty() && routing.remote().isEmpty() && routing.forwards().isEmpty() && !delivery.refused().isEmpty()) {
                // nobody took it: the client hears why (a temporary refusal first, so it tries again)
                metrics.rejected();
                return reply(delivery.refused().stream().filter(r -> !r.permanent()).findFirst().orElse(delivery.refused().get(0)));
            }
            queued = queue(message, routing, vouched, checks, entries);
            ledger.record(stored.stream()
                    .map(location -> new StoredMessage(location, message.reversePath(), message.sessionId(), message.receivedAt()))
                    .toList());
        } catch (IOException | RuntimeException e) {
            undo(stored);
            entries.forEach(entry -> outbound.delete(entry.getId()));
            metrics.rejected();
            LOG.log(Level.WARNING, "session " + message.sessionId() + ": message not stored, answered 4xx", e);
            return isDiskFull(e)
                    ? Reply.of(452, "4.3.1", "Error: insufficient system storage, try again later")
                    : Reply.of(451, "4.3.0", "Error: could not store message, try again later");
        } finally {
            quotas.release(claims); // committed usage (or none) from here on
        }
        Reply taken = Reply.of(250, "2.0.0", "Ok: queued as " + message.sessionId());
        taken(message, taken, folder, checks, scan, routing, delivery, queued);
        return taken;
    }

    /**
     * What follows a stored message, none of which may turn its 250 into a failure: the metrics,
     * the account's sending count, the trace, the queue's wake-up, the notice of mailboxes that
     * refused it, and the {@code message.received} event.
     */
    private void taken(InboundMessage message, Reply taken, Folder folder, AuthenticationResults checks, String scan,
                       Routing routing, Delivery delivery, Queued queued) {
        metrics.accepted(message.content().size());
        if (message.authenticatedUser() != null) {
            guardrails.sent(message.authenticatedUser(), message.reversePath());
        }
        if (trace.enabled()) {
            try { // the message is durable: nothing of its trace may turn the 250 into a 451
                trace.received(message, taken, checks == null ? null : checks.results(), scan,
                        TraceSteps.received(message, folder, routing.mailboxesOf(), delivery.stored(), delivery.refused(), queued.all(),
                                queued.forwarded(), routing.forwardedBy()),
                        queued.all().size());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "session " + message.sessionId() + ": stored, but its trace could not be made", e);
            }
        }
        outbound.wake(queued.all());
        if (!delivery.refused().isEmpty()) {
            notifySender(message, delivery.refused());
        }
        events.publish("message.received", () -> {
            java.util.Map<String, Object> fields = ServerEvent.fields(
                    "message_id", "msg_" + message.sessionId(),
                    "from", message.reversePath(),
                    "to", message.recipients(),
                    "subject", MessageHeaders.subject(message),
                    "size_bytes", message.content().size());
            if (checks != null) { // the sender checks' results, as in the Authentication-Results field
                fields.put("spf", checks.spf().result());
                fields.put("dkim", checks.byMethod().get("dkim"));
                fields.put("dmarc", checks.dmarc().result());
            }
            return fields;
        });
    }

    /** The message as forwarded to an alias's outside addresses: its envelope sender rewritten with SRS (RFC-draft SRS0). */
    private InboundMessage forwarded(InboundMessage message) {
        return message.withReversePath(directory.srs().forward(message.reversePath()));
    }

    /**
     * Some mailboxes took the message and others refused it after the end of data (the store's
     * server changed its mind since RCPT): the 250 stands for those that took it, and the sender
     * hears about the others in a delivery status notification, as from a queue that gave up.
     */
    private void notifySender(InboundMessage message, List<MailboxRefusal> refused) {
        LOG.warning(() -> "session " + message.sessionId() + ": " + refused.size() + " mailbox(es) refused the message after its data: "
                + refused.stream().map(r -> r.code() + " " + LogText.escape(r.mailbox())).toList());
        if (message.reversePath().isEmpty()) {
            return; // never bounce a bounce
        }
        try {
            List<DeliveryStatusNotification.Entry> entries = refused.stream().map(r -> new DeliveryStatusNotification.Entry(
                    r.mailbox(), r.code() + " " + (r.status() == null ? "" : r.status() + " ") + r.text(),
                    "5" + (r.status() == null ? ".0.0" : r.status().substring(1)), false)).toList();
            java.time.Instant now = java.time.Instant.now();
            byte[] report = DeliveryStatusNotification.compose(DeliveryStatusNotification.Kind.FAILED, configuration.listener().hostname(),
                    message.sessionId(), message.reversePath(), message.receivedAt(), "the mailbox refused the message", entries,
                    message.content(), now);
            Reply reply = deliverOwn(DeliveryStatusNotification.message(message.sessionId(), configuration.listener().hostname(),
                    message.reversePath(), report, now));
            if (reply.code() >= 400) {
                LOG.warning("session " + message.sessionId() + ": notification to " + LogText.escape(message.reversePath()) + " not accepted: " + reply);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "session " + message.sessionId() + ": could not notify the sender of refused mailboxes", e);
        }
    }

    private void undo(List<StoredLocation> stored) {
        for (StoredLocation location : stored) {
            try {
                store.remove(location);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "could not remove partly delivered message " + location, e);
            }
        }
    }

    private static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                String text = String.valueOf(t.getMessage());
                if (text.contains("No space left") || text.contains("Disk quota exceeded")) {
                    return true;
                }
            }
        }
        return false;
    }
}
