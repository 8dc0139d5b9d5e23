package org.mailforge.infrastructure.storage;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.spi.MessageContent;

/**
 * The store of a configuration whose store cannot be made (a setting the server would refuse):
 * it refuses every operation with the reason, so that user-cli's commands that touch no mail
 * still work.
 */
public final class UnavailableMailStore implements MailStore {

    private final String reason;

    public UnavailableMailStore(String reason) {
        this.reason = reason;
    }

    private UnsupportedOperationException refused() {
        return new UnsupportedOperationException(reason);
    }

    @Override
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) {
        throw refused();
    }

    @Override
    public void checkAvailable() {
        // nothing to check: every operation says why it cannot be done
    }

    @Override
    public void renameMailbox(String from, String to) {
        throw refused();
    }

    @Override
    public void removeMailbox(String mailbox) {
        throw refused();
    }

    @Override
    public void remove(StoredLocation location) {
        throw refused();
    }
}
