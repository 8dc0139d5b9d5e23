package org.mailforge.application.scanning;

import java.util.Optional;

import org.mailforge.domain.mail.Folder;

/** Stored messages as a user reports them: by their id in the store's index. */
public interface ReportedMessages {

    /** The message's octets as stored, when {@code mailbox} holds a message with this id. */
    Optional<byte[]> content(String mailbox, long id);

    /** Files the message in {@code folder}. */
    void file(String mailbox, long id, Folder folder);
}
