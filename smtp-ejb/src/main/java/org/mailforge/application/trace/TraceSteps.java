package org.mailforge.application.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailboxRefusal;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.domain.queue.QueuedRecipient;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.smtp.spi.InboundMessage;

/** The steps of a message's trace, in words an administrator reads. */
public final class TraceSteps {

    private TraceSteps() {
    }

    /**
     * What became of a message just taken: for each local recipient where it was stored, for each
     * outside address the queue entry it waits in (relayed, or forwarded by an alias).
     *
     * @param mailboxesOf the mailboxes each local envelope recipient reached
     * @param forwardedBy for each outside address an alias forwards to, that alias
     */
    public static List<TraceStep> received(InboundMessage message, Folder folder, Map<String, List<String>> mailboxesOf,
                                           List<StoredLocation> stored, List<MailboxRefusal> refused, List<QueuedMessage> queued,
                                           List<QueuedMessage> forwarded, Map<String, String> forwardedBy) {
        Instant now = Instant.now();
        List<TraceStep> steps = new ArrayList<>();
        for (Map.Entry<String, List<String>> recipient : mailboxesOf.entrySet()) {
            List<String> where = new ArrayList<>();
            for (String mailbox : recipient.getValue()) {
                for (StoredLocation location : stored) {
                    if (location.mailbox().equals(mailbox)) {
                        where.add(mailbox + " (" + folder.name().charAt(0) + folder.name().substring(1).toLowerCase(java.util.Locale.ROOT)
                                + ", key " + location.key() + ")");
                        break;
                    }
                }
            }
            if (!where.isEmpty()) {
                steps.add(new TraceStep(now, TraceStep.Kind.STORED, TraceLog.lower(recipient.getKey()), null, TraceStep.Outcome.OK, null,
                        "stored in " + String.join(", ", where)));
            }
        }
        for (MailboxRefusal refusal : refused) {
            steps.add(new TraceStep(now, TraceStep.Kind.REFUSED, TraceLog.lower(refusal.mailbox()), null, TraceStep.Outcome.FAILED,
                    refusal.code() + (refusal.status() == null ? "" : " " + refusal.status()) + " " + refusal.text(),
                    "the mailbox's store refused it after its data; the sender is notified"));
        }
        Set<QueuedMessage> forwards = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        forwards.addAll(forwarded);
        for (QueuedMessage entry : queued) {
            for (QueuedRecipient recipient : entry.getRecipients()) {
                String address = recipient.getAddress();
                String alias = forwardedBy.get(address);
                String detail = forwards.contains(entry) && alias != null
                        ? "forwarded by " + alias + " to " + address + ", sender rewritten to " + entry.getSender() + " (SRS)"
                        : "queued for " + entry.getDomain();
                // a forward is found by the alias it was sent to; its attempts by the outside address
                steps.add(new TraceStep(now, TraceStep.Kind.QUEUED, TraceLog.lower(forwards.contains(entry) && alias != null ? alias : address),
                        entry.getId(), TraceStep.Outcome.OK, null, detail + ", queue entry " + entry.getId()));
            }
        }
        return steps;
    }
}
