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
}
