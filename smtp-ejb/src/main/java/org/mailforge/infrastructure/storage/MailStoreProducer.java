package org.mailforge.infrastructure.storage;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.mailforge.domain.mail.MailStore;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.queue.QueueSpool;

/**
 * Chooses the storage backend from {@code SMTP_STORAGE_TYPE} (maildir, mbox, database, timeseries,
 * s3 or lmtp) and the queue spool from {@code SMTP_QUEUE_STORAGE} (file or s3); the two share one S3 client.
 */
@ApplicationScoped
public class MailStoreProducer {

    private S3Objects bucket;

    private synchronized S3Objects bucket(ServerConfiguration configuration) {
        if (bucket == null) {
            bucket = S3Objects.connect(configuration.s3());
        }
        return bucket;
    }

    @Produces
    @Singleton
    MailStore mailStore(ServerConfiguration configuration, Instance<DatabaseMailStore> database) {
        return switch (configuration.storageType()) {
            case DATABASE -> database.get();
            case S3 -> new S3MailStore(bucket(configuration), Clock.systemUTC());
            case LMTP -> new LmtpMailStore(configuration.lmtp(), configuration.hostname());
            default -> fileStore(configuration);
        };
    }

    /**
     * The store on the local file system that {@code SMTP_STORAGE_TYPE} names (maildir, mbox or
     * timeseries), or null for database, s3 and lmtp; the server and user-cli both take it from here.
     */
    public static MailStore fileStore(ServerConfiguration configuration) {
        Clock clock = Clock.systemUTC();
        return switch (configuration.storageType()) {
            case TIMESERIES -> {
                String key = configuration.storageEncryptionKey();
                yield new TimeSeriesStore(configuration.storagePath(), key == null ? null : new MessageEncryption(key), clock);
            }
            case MBOX -> new MboxStore(configuration.storagePath(), clock);
            case MAILDIR -> new MaildirStore(configuration.storagePath());
            case DATABASE, S3, LMTP -> null;
        };
    }

    @Produces
    @Singleton
    QueueSpool queueSpool(ServerConfiguration configuration) {
        return configuration.queueInS3() ? new S3QueueSpool(bucket(configuration))
                : new FileQueueSpool(configuration.outbound().queuePath());
    }

    /** Releases the S3 client's connection pool when the application stops. */
    @jakarta.annotation.PreDestroy
    synchronized void close() {
        if (bucket != null) {
            bucket.close();
        }
    }
}
