package org.mailforge.infrastructure.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.mailforge.domain.mail.MailStore;
import org.mailforge.infrastructure.config.ServerConfiguration;

/** Chooses the storage backend from {@code SMTP_STORAGE_TYPE} (maildir, mbox, database, timeseries or s3). */
@ApplicationScoped
public class MailStoreProducer {

    @Produces
    @jakarta.inject.Singleton
    MailStore mailStore(ServerConfiguration configuration, jakarta.enterprise.inject.Instance<DatabaseMailStore> database) {
        if (configuration.storageType() == ServerConfiguration.StorageType.DATABASE) {
            return database.get();
        }
        if (configuration.storageType() == ServerConfiguration.StorageType.TIMESERIES) {
            String key = configuration.storageEncryptionKey();
            return new TimeSeriesStore(configuration.storagePath(), key == null ? null : new MessageEncryption(key),
                    java.time.Clock.systemUTC());
        }
        if (configuration.storageType() == ServerConfiguration.StorageType.S3) {
            return S3MailStore.connect(configuration.s3(), java.time.Clock.systemUTC());
        }
        if (configuration.storageType() == ServerConfiguration.StorageType.MBOX) {
            return new MboxStore(configuration.storagePath(), java.time.Clock.systemUTC());
        }
        return new MaildirStore(configuration.storagePath());
    }

    /** Releases the S3 client's connection pool when the application stops. */
    void close(@jakarta.enterprise.inject.Disposes MailStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
