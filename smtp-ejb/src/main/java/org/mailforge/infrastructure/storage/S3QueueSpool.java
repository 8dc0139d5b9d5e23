package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.util.logging.Logger;

import org.mailforge.domain.queue.QueueSpool;
import org.mailforge.smtp.spi.MessageContent;

/**
 * Queued content in the bucket under {@code queue/<entry id>.eml}, so that every node of a
 * cluster can deliver what any node accepted (SMTP_QUEUE_STORAGE=s3). The second entry of a
 * message for several domains is a server-side copy: each entry owns its object.
 */
final class S3QueueSpool implements QueueSpool {

    private static final String PREFIX = "queue/";
    private static final Logger LOG = Logger.getLogger(S3QueueSpool.class.getName());

    private final S3Objects bucket;

    S3QueueSpool(S3Objects bucket) {
        this.bucket = bucket;
    }

    @Override
    public void checkAvailable() {
        bucket.checkBucket();
    }

    @Override
    public String write(String id, MessageContent content) throws IOException {
        String key = PREFIX + id + ".eml";
        bucket.put(key, content);
        return key;
    }

    @Override
    public String link(String existing, String id) throws IOException {
        String key = PREFIX + id + ".eml";
        bucket.copy(existing, key);
        return key;
    }

    @Override
    public MessageContent open(String name) throws IOException {
        return bucket.open(name);
    }

    @Override
    public void delete(String name) {
        try {
            bucket.delete(name);
        } catch (IOException e) {
            LOG.warning("could not remove queued content " + name + ": " + e.getMessage());
        }
    }
}
