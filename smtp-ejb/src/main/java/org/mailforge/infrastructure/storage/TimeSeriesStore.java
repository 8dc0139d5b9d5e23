package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.spi.MessageContent;

/**
 * Date-based storage for archiving: {@code <root>/<yyyy>/<mm>/<dd>/<message-id>.eml}, optionally
 * encrypted at rest with AES-256-GCM. Which mailbox a file belongs to is in the message index.
 */
public final class TimeSeriesStore implements MailStore {

    private final Path root;
    private final MessageEncryption encryption;
    private final ArchiveKeys keys;

    /** @param encryption null to store plaintext */
    public TimeSeriesStore(Path root, MessageEncryption encryption, Clock clock) {
        this.root = root;
        this.encryption = encryption;
        this.keys = new ArchiveKeys(clock);
    }

    @Override
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException {
        String key = keys.next(folder);
        Path target = root.resolve(key);
        DurableFiles.createDirectoriesDurably(target.getParent()); // a new year, month or day
        Path staging = DurableFiles.createDirectoriesDurably(root.resolve(".tmp"));
        MessageContent stored = StoredForm.of(returnPath, content);
        long size = DurableFiles.write(staging.resolve(target.getFileName()), target, out -> {
            if (encryption == null) {
                stored.writeTo(out);
            } else {
                try (OutputStream encrypted = encryption.encrypting(out)) {
                    stored.writeTo(encrypted);
                }
            }
        });
        return new StoredLocation(mailbox, key, size);
    }

    @Override
    public void remove(StoredLocation location) throws IOException {
        Path file = root.resolve(location.key()).normalize();
        if (!file.startsWith(root)) {
            throw new IOException("refusing to delete outside the storage root: " + location.key());
        }
        Files.deleteIfExists(file);
        DurableFiles.forceDirectory(file.getParent());
    }

    /** Nothing to do: the index lists a mailbox's files, and each is removed through {@link #remove}. */
    @Override
    public void removeMailbox(String mailbox) {
        // files are not grouped by mailbox in this layout
    }

    @Override
    public void checkAvailable() {
        MaildirStore.checkWritable(root);
    }
}
