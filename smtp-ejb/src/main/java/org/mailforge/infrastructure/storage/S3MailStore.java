package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.spi.MessageContent;

/**
 * Mail in an S3 bucket under {@code <yyyy>/<mm>/<dd>/<message-id>.eml}, durable once S3 has
 * acknowledged it (see {@link S3Objects}). Which mailbox a key belongs to is in the message index,
 * as for the time-series layout.
 */
public final class S3MailStore implements MailStore, AutoCloseable {

    private final S3Objects bucket;
    private final ArchiveKeys keys;
    private final RemoteStoreCheck health;

    S3MailStore(S3Objects bucket, Clock clock) {
        this.bucket = bucket;
        this.keys = new ArchiveKeys(clock);
        this.health = new RemoteStoreCheck("S3 storage",
                () -> bucket.client().headBucket(head -> head.bucket(bucket.configuration().bucket())),
                java.util.logging.Logger.getLogger(S3MailStore.class.getName()));
    }

    /** A store with a client of its own (tests; the server shares one with the queue spool). */
    public static S3MailStore connect(org.mailforge.application.config.S3Configuration configuration, Clock clock) {
        return new S3MailStore(S3Objects.connect(configuration), clock);
    }

    @Override
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException {
        String key = keys.next(folder);
        MessageContent stored = StoredForm.of(returnPath, content);
        bucket.put(key, stored);
        return new StoredLocation(mailbox, key, stored.size());
    }

    @Override
    public void remove(StoredLocation location) throws IOException {
        bucket.delete(location.key());
    }

    /** Nothing to do: the index lists a mailbox's objects, and each is removed through {@link #remove}. */
    @Override
    public void removeMailbox(String mailbox) {
        // objects are not grouped by mailbox in this layout
    }

    @Override
    public void checkAvailable() {
        bucket.checkBucket();
    }

    /** Whether the bucket answers (for readiness). */
    @Override
    public List<String> problems() {
        return health.problems();
    }

    @Override
    public void close() {
        bucket.close();
    }
}
