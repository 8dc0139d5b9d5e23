package org.mailforge.application;

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
import org.mailforge.application.outbound.OutboundQueueService;
import org.mailforge.application.scanning.ContentScreening;
import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.domain.mail.StoredMessage;
import org.mailforge.domain.user.User;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.smtp.spi.Domains;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Reply;

/**
 * Takes responsibility for a received message: stores it in every local recipient's mailbox,
 * queues it for the remote ones, and records it, all or nothing. The 250 it returns means the
 * message is on disk and indexed, and its queue entries are committed.
 */
@ApplicationScoped
public class MailDeliveryService {

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

    private java.util.Set<String> localDomains;

    @jakarta.annotation.PostConstruct
    void init() {
        localDomains = configuration.localDomainSet();
    }

    /**
     * RCPT TO an address of a local domain: taken when a user has that address (in any case) or
     * when it is postmaster (RFC 5321 4.5.1), refused with 550 5.1.1 otherwise, as Postfix's
     * local recipient table does. SMTP_REJECT_UNKNOWN_RECIPIENTS=false takes every address.
     */
    public Reply verifyRecipient(String address) {
        Optional<User> owner = users.findByEmail(address);
        if (owner.isPresent() && owner.get().wouldExceedQuota(1)) {
            // refused for this recipient only: the others of the transaction still get the message
            return Reply.of(452, "4.2.2", "<" + address + ">: Mailbox full, quota exceeded");
        }
        if (!configuration.rejectUnknownRecipients() || isPostmaster(address) || owner.isPresent()) {
            return null;
        }
        return Reply.of(550, "5.1.1", "<" + address + ">: Recipient address rejected: User unknown in local recipient table");
    }

    private static boolean isPostmaster(String address) {
        int at = address.lastIndexOf('@');
        return (at < 0 ? address : address.substring(0, at)).equalsIgnoreCase("postmaster");
    }

    public Reply deliver(InboundMessage message) {
        long start = System.nanoTime();
        try {
            return screenAndStore(message);
        } finally {
            metrics.processed(java.time.Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private Reply screenAndStore(InboundMessage message) {
        InboundMessage received;
        try {
            // verdict headers are ours to write: a sender's own X-Spam-* never reaches a mailbox
            received = message.withContent(ForgedHeaders.strip(message.content()));
        } catch (java.io.IOException e) {
            LOG.log(java.util.logging.Level.WARNING, "session " + message.sessionId() + ": message unreadable, answered 451", e);
            return Reply.of(451, "4.3.0", "Error: local error in processing, try again later");
        }
        ContentScreening.Outcome screened = screening.screen(received);
        if (screened instanceof ContentScreening.Refuse refusal) {
            metrics.rejected();
            return refusal.reply();
        }
        ContentScreening.Accept accepted = (ContentScreening.Accept) screened;
        return store(received.withContent(accepted.content()), accepted.folder());
    }

    private Reply store(InboundMessage message, Folder folder) {
        List<StoredLocation> stored = new ArrayList<>(message.recipients().size());
        List<QueuedMessage> queued = List.of();
        List<MailboxQuotas.Claim> claims = new ArrayList<>(message.recipients().size());
        try {
            List<String> mailboxes = new ArrayList<>(message.recipients().size());
            List<String> remote = new ArrayList<>();
            for (String recipient : message.recipients()) {
                if (!Domains.isLocal(localDomains, Domains.of(recipient))) {
                    remote.add(recipient); // the listener let it through: an authenticated user's relay
                    continue;
                }
                MailboxQuotas.Claim claim = quotas.claim(recipient, message.content().size());
                claims.add(claim);
                if (!claim.fits()) { // with this message, or with others being delivered right now
                    metrics.rejected();
                    return Reply.of(552, "5.2.2", "<" + recipient + ">: mailbox full, quota exceeded");
                }
                // a user's mail goes to the canonical (lower-case) address of the account; postmaster
                // without an account of its own is an alias of the administrator
                mailboxes.add(claim.owner().map(User::getEmail)
                        .orElseGet(() -> isPostmaster(recipient) ? configuration.adminEmail() : recipient));
            }
            // one copy per mailbox, however many of its addresses the transaction named
            for (String mailbox : new java.util.LinkedHashSet<>(mailboxes)) {
                stored.add(store.store(mailbox, folder, message.reversePath(), message.content()));
            }
            if (!remote.isEmpty()) {
                queued = outbound.enqueue(message, remote);
            }
            ledger.record(stored.stream()
                    .map(location -> new StoredMessage(location, message.reversePath(), message.sessionId(), message.receivedAt()))
                    .toList());
        } catch (IOException | RuntimeException e) {
            undo(stored);
            queued.forEach(entry -> outbound.delete(entry.getId()));
            metrics.rejected();
            LOG.log(Level.WARNING, "session " + message.sessionId() + ": message not stored, answered 4xx", e);
            return isDiskFull(e)
                    ? Reply.of(452, "4.3.1", "Error: insufficient system storage, try again later")
                    : Reply.of(451, "4.3.0", "Error: could not store message, try again later");
        } finally {
            quotas.release(claims); // committed usage (or none) from here on
        }
        metrics.accepted(message.content().size());
        outbound.wake(queued);
        events.publish("message.received", () -> ServerEvent.fields(
                "message_id", "msg_" + message.sessionId(),
                "from", message.reversePath(),
                "to", message.recipients(),
                "subject", MessageHeaders.subject(message),
                "size_bytes", message.content().size()));
        return Reply.of(250, "2.0.0", "Ok: queued as " + message.sessionId());
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
