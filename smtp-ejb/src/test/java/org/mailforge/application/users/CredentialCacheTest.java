package org.mailforge.application.users;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.mailforge.testing.SettableClock;

class CredentialCacheTest {

    @Test
    void remembersOnlyTheExactCredentialsForTheCurrentHashAndOnlyBriefly() {
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        CredentialCache cache = new CredentialCache(Duration.ofSeconds(60), 100, clock);
        cache.remember("john", "secret-1".toCharArray(), 7, "$hash-a");

        assertTrue(cache.isVerified("john", "secret-1".toCharArray(), 7, "$hash-a"));
        assertFalse(cache.isVerified("john", "secret-2".toCharArray(), 7, "$hash-a"), "other password");
        assertFalse(cache.isVerified("jane", "secret-1".toCharArray(), 7, "$hash-a"), "other login");
        assertFalse(cache.isVerified("john", "secret-1".toCharArray(), 7, "$hash-b"), "password changed since");

        cache.remember("john", "secret-1".toCharArray(), 7, "$hash-a");
        clock.advance(Duration.ofSeconds(61));
        assertFalse(cache.isVerified("john", "secret-1".toCharArray(), 7, "$hash-a"), "expired");
    }

    @Test
    void staysWithinItsCapacity() {
        CredentialCache cache = new CredentialCache(Duration.ofSeconds(60), 2, Clock.systemUTC());
        cache.remember("a", "p".toCharArray(), 1, "h");
        cache.remember("b", "p".toCharArray(), 2, "h");
        cache.remember("c", "p".toCharArray(), 3, "h");
        assertFalse(cache.isVerified("a", "p".toCharArray(), 1, "h"), "the eldest entry was evicted");
        assertTrue(cache.isVerified("c", "p".toCharArray(), 3, "h"));
    }
}
