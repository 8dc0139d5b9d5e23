package org.mailforge.infrastructure.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.mailforge.domain.mail.MailStore;
import org.mailforge.infrastructure.config.ServerConfiguration;

/** Chooses the storage backend from {@code SMTP_STORAGE_TYPE}; maildir is the one this version has. */
@ApplicationScoped
public class MailStoreProducer {

    @Produces
    @jakarta.inject.Singleton
    MailStore mailStore(ServerConfiguration configuration) {
        return new MaildirStore(configuration.storagePath());
    }
}
