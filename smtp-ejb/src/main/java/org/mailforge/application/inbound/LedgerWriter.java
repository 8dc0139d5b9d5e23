package org.mailforge.application.inbound;

import java.util.List;

import org.mailforge.domain.mail.StoredMessage;

/**
 * One transaction of the {@link DeliveryLedger}: the index rows of one or many deliveries and their
 * owners' used space, all committed or none; throws when they were not.
 */
public interface LedgerWriter {

    void write(List<StoredMessage> delivered);
}
