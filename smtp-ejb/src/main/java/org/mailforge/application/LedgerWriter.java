package org.mailforge.application;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.mailforge.domain.mail.StoredMessage;
import org.mailforge.domain.mail.StoredMessageRepository;
import org.mailforge.domain.user.UserRepository;

/** One transaction of the ledger: index rows and the owners' used space, for one or many deliveries. */
@ApplicationScoped
public class LedgerWriter {

    @Inject
    StoredMessageRepository messages;

    @Inject
    UserRepository users;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void write(List<StoredMessage> delivered) {
        messages.recordAll(delivered);
        // one UPDATE per mailbox, not per message (sixty-four deliveries to one mailbox were sixty-four
        // bulk updates, each flushing the unit of work); in name order, so two nodes committing
        // batches at once take PostgreSQL's row locks in the same order
        Map<String, Long> bytesByMailbox = new TreeMap<>();
        for (StoredMessage message : delivered) {
            bytesByMailbox.merge(message.getMailbox(), message.getSizeBytes(), Long::sum);
        }
        bytesByMailbox.forEach(users::addUsage);
    }
}
