package org.mailforge.domain.mail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.mailforge.smtp.spi.MessageContent;

/**
 * Where accepted mail is kept. {@link #store} returns only once the message is durable; a
 * message that could not be stored completely leaves nothing visible behind.
 */
public interface MailStore {

    /**
     * @param mailbox    the recipient's address
     * @param returnPath the envelope sender, empty for the null sender
     * @param content    the message as received, trace header included
     * @return where the message now lives, in the store's own terms
     */
    default StoredLocation store(String mailbox, String returnPath, MessageContent content) throws IOException {
        return store(mailbox, Folder.INBOX, returnPath, content);
    }

    /**
     * Stores into a folder of the mailbox: maildir uses the Maildir++ folder {@code .Junk}, mbox a
     * second file {@code <mailbox>.Junk}, the time-series layout a {@code Junk/} tree.
     */
    StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException;

    /**
     * Stores one message for several mailboxes. This default stores one copy after the other and
     * takes back the copies already stored when one fails, then throws: it never refuses a single
     * mailbox. A store that hands mail to another server delivers them in one transaction and
     * reports the mailboxes that server refused.
     */
    default Delivery storeAll(List<String> mailboxes, Folder folder, String returnPath, MessageContent content) throws IOException {
        List<StoredLocation> stored = new ArrayList<>(mailboxes.size());
        try {
            for (String mailbox : mailboxes) {
                stored.add(store(mailbox, folder, returnPath, content));
            }
        } catch (IOException | RuntimeException e) {
            for (StoredLocation location : stored) {
                try {
                    remove(location);
                } catch (IOException | RuntimeException undo) {
                    e.addSuppressed(undo); // logged with the failure itself
                }
            }
            throw e;
        }
        return new Delivery(stored, List.of());
    }

    /**
     * Asks, while the client names its recipients, whether the mailbox would take mail now. Empty
     * when it would, and for stores that cannot refuse a single mailbox.
     *
     * @throws IOException when the store cannot answer now
     */
    default Optional<MailboxRefusal> probe(String mailbox) throws IOException {
        return Optional.empty();
    }

    /**
     * Fails with a message naming the variable to set unless the store can take mail now; called
     * once at start-up.
     */
    void checkAvailable();

    /**
     * What keeps the store from taking mail right now (for readiness), empty when it can. Stores on
     * the local file system leave this to the disk check; a remote store says whether it answers.
     */
    default java.util.List<String> problems() {
        return java.util.List.of();
    }

    /**
     * Moves a mailbox's mail to a new address (its user's address changed): the mail belongs to
     * the user, not to the address, so the next owner of the old address finds none of it. Stores
     * that keep mail by index only (time series, S3) have nothing to move.
     *
     * @throws IOException when the mail cannot be moved, or the new address has mail already
     */
    default void renameMailbox(String from, String to) throws IOException {
        // nothing stored under the address itself
    }

    /** Removes a mailbox and every message in it (when its user is deleted). */
    void removeMailbox(String mailbox) throws IOException;

    /**
     * Whether the mail lives with another server under the address (Dovecot over LMTP), so that
     * neither {@link #removeMailbox} nor {@link #renameMailbox} can take it away from the address:
     * its next owner would read it there. Deleting or renaming a user then waits for the operator.
     */
    default boolean keepsMailElsewhere() {
        return false;
    }

    /** Removes a stored message again (used to undo a partly delivered transaction). */
    void remove(StoredLocation location) throws IOException;
}
