package org.mailforge.application;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.mailforge.domain.mail.StoredMessage;
import org.mailforge.domain.mail.StoredMessageRepository;
import org.mailforge.domain.user.UserRepository;

/** Records a delivery in one transaction: the index rows and the owners' used space. */
@ApplicationScoped
public class DeliveryLedger {

    @Inject
    StoredMessageRepository messages;

    @Inject
    UserRepository users;

    @Transactional
    public void record(List<StoredMessage> delivered) {
        messages.recordAll(delivered);
        for (StoredMessage message : delivered) {
            users.addUsage(message.getMailbox(), message.getSizeBytes());
        }
    }
}
