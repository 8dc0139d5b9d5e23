package org.mailforge.application.users;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers credentials verified moments ago, so an API client sending Basic credentials with every
 * request does not cost an Argon2id computation each time. Entries are keyed by an HMAC (with a
 * random per-process key) of login and password, never the password itself; an entry is valid only
 * while the user's stored hash is the one it was verified against, so a password change ends it.
 */
public final class CredentialCache {

    private record Verified(long userId, String passwordHash, Instant expires) {
    }

    private final byte[] key = new byte[32];
    private final Duration lifetime;
    private final int capacity;
    private final Clock clock;
    private final Map<ByteBuffer, Verified> entries;

    public CredentialCache(Duration lifetime, int capacity, Clock clock) {
        new SecureRandom().nextBytes(key);
        this.lifetime = lifetime;
        this.capacity = capacity;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Verified> eldest) {
                return size() > CredentialCache.this.capacity;
            }
        };
    }

    /** Whether these credentials were verified for this user with this stored hash, and not long ago. */
    public synchronized boolean isVerified(String login, char[] password, long userId, String passwordHash) {
        ByteBuffer k = keyOf(login, password);
        Verified entry = entries.get(k);
        if (entry == null) {
            return false;
        }
        if (entry.expires().isBefore(clock.instant()) || entry.userId() != userId || !entry.passwordHash().equals(passwordHash)) {
            entries.remove(k);
            return false;
        }
        return true;
    }

    public synchronized void remember(String login, char[] password, long userId, String passwordHash) {
        entries.put(keyOf(login, password), new Verified(userId, passwordHash, clock.instant().plus(lifetime)));
    }

    private ByteBuffer keyOf(String login, char[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(login.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            mac.update(encoded.duplicate());
            Arrays.fill(encoded.array(), (byte) 0);
            return ByteBuffer.wrap(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
