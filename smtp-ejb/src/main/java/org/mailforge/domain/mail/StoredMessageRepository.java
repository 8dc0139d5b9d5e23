package org.mailforge.domain.mail;

import java.util.List;

/** The index of stored messages (written by the delivery ledger's {@code LedgerWriter}). */
public interface StoredMessageRepository {

    long countAll();

    long totalSizeBytes();

    List<StoredMessage> findByMailbox(String mailbox, int offset, int limit);
}
