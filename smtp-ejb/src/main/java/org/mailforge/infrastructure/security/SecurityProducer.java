package org.mailforge.infrastructure.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

@ApplicationScoped
public class SecurityProducer {

    @Produces
    @jakarta.inject.Singleton
    PasswordHasher passwordHasher() {
        return new PasswordHasher();
    }

    @Produces
    @jakarta.inject.Singleton
    org.mailforge.application.common.KeySealing keySealing(org.mailforge.application.config.ServerConfiguration configuration) {
        String key = configuration.storage().encryptionKey();
        return new StorageKeySealing(key == null ? null : new org.mailforge.infrastructure.storage.MessageEncryption(key));
    }
}
