package org.mailforge.domain.mail;

import java.util.List;

/** The index of stored messages. */
public interface StoredMessageRepository {

    /** Records the messages of one delivery in one transaction. */
    void recordAll(List<StoredMessage> messages);

    long countAll();

    long totalSizeBytes();

    List<StoredMessage> findByMailbox(String mailbox, int offset, int limit);
}
