package org.mailforge.application;

import java.util.List;

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
        for (StoredMessage message : delivered) {
            users.addUsage(message.getMailbox(), message.getSizeBytes());
        }
    }
}
