package org.mailforge.interfaces.cli;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.infrastructure.storage.DatabaseMailStore;
import org.mailforge.smtp.spi.MessageContent;

/**
 * SMTP_STORAGE_TYPE=database from user-cli: removes a user's message rows (and, on SQLite, their
 * full-text rows) with the server's own statements, each in a transaction of the CLI's database.
 */
final class CliDatabaseMailStore implements MailStore {

    private final CliDatabase db;

    CliDatabaseMailStore(CliDatabase db) {
        this.db = db;
    }

    @Override
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) {
        throw new UnsupportedOperationException("user-cli does not store mail");
    }

    @Override
    public void checkAvailable() {
        // the database was opened (and migrated) already
    }

    @Override
    public void renameMailbox(String from, String to) {
        db.inTransactionDo(em -> DatabaseMailStore.moveMailboxRows(em, from, to));
    }

    @Override
    public void removeMailbox(String mailbox) {
        db.inTransactionDo(em -> DatabaseMailStore.deleteMailboxRows(em, db.sqlite(), mailbox));
    }

    @Override
    public void remove(StoredLocation location) {
        db.inTransactionDo(em -> DatabaseMailStore.deleteRow(em, db.sqlite(), location));
    }
}
