package org.mailforge.infrastructure.storage;

import java.time.Clock;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.mailforge.domain.mail.MailStore;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.queue.QueueSpool;
import org.mailforge.infrastructure.persistence.JpaTransactions;

/**
 * Chooses the storage backend from {@code SMTP_STORAGE_TYPE} (maildir, mbox, database, timeseries,
 * s3 or lmtp) and the queue spool from {@code SMTP_QUEUE_STORAGE} (file or s3); the two share one S3 client.
 */
@ApplicationScoped
public class MailStoreProducer {

    private S3Objects bucket;

    private synchronized S3Objects bucket(ServerConfiguration configuration) {
        if (bucket == null) {
            bucket = S3Objects.connect(configuration.storage().s3());
        }
        return bucket;
    }

    @Produces
    @Singleton
    MailStore mailStore(ServerConfiguration configuration, JpaTransactions transactions) {
        return create(configuration, transactions, () -> bucket(configuration));
    }

    /** The store {@code SMTP_STORAGE_TYPE} names, with an S3 client of its own (user-cli's). */
    public static MailStore create(ServerConfiguration configuration, JpaTransactions transactions) {
        return create(configuration, transactions, () -> S3Objects.connect(configuration.storage().s3()));
    }

    /**
     * The store {@code SMTP_STORAGE_TYPE} names; the server and user-cli both take theirs from here.
     *
     * @param transactions the database's, for {@code database}
     * @param bucket       the S3 bucket's client, for {@code s3} (asked for only then)
     */
    public static MailStore create(ServerConfiguration configuration, JpaTransactions transactions, Supplier<S3Objects> bucket) {
        Clock clock = Clock.systemUTC();
        return switch (configuration.storage().type()) {
            case DATABASE -> new DatabaseMailStore(transactions);
            case S3 -> new S3MailStore(bucket.get(), clock);
            case LMTP -> new LmtpMailStore(configuration.storage().lmtp(), configuration.listener().hostname());
            case TIMESERIES -> {
                String key = configuration.storage().encryptionKey();
                yield new TimeSeriesStore(configuration.storage().path(), key == null ? null : new MessageEncryption(key), clock);
            }
            case MBOX -> new MboxStore(configuration.storage().path(), clock);
            case MAILDIR -> new MaildirStore(configuration.storage().path());
        };
    }

    @Produces
    @Singleton
    QueueSpool queueSpool(ServerConfiguration configuration) {
        return configuration.storage().queueInS3() ? new S3QueueSpool(bucket(configuration))
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
