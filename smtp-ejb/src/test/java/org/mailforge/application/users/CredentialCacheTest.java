package org.mailforge.application.users;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class CredentialCacheTest {

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void remembersOnlyTheExactCredentialsForTheCurrentHashAndOnlyBriefly() {
        MutableClock clock = new MutableClock();
        CredentialCache cache = new CredentialCache(Duration.ofSeconds(60), 100, clock);
        cache.remember("john", "secret-1".toCharArray(), 7, "$hash-a");

        assertTrue(cache.isVerified("john", "secret-1".toCharArray(), 7, "$hash-a"));
        assertFalse(cache.isVerified("john", "secret-2".toCharArray(), 7, "$hash-a"), "other password");
        assertFalse(cache.isVerified("jane", "secret-1".toCharArray(), 7, "$hash-a"), "other login");
        assertFalse(cache.isVerified("john", "secret-1".toCharArray(), 7, "$hash-b"), "password changed since");

        cache.remember("john", "secret-1".toCharArray(), 7, "$hash-a");
        clock.now = clock.now.plusSeconds(61);
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
