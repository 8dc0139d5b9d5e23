package org.mailforge.infrastructure.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    /** Known answer from the reference argon2 tool: echo -n password | argon2 somesalt16bytes! -id -t 3 -m 16 -p 4 -l 32 */
    @Test
    void matchesTheReferenceTool() {
        String expected = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQxNmJ5dGVzIQ$9LFiNwlwJCAl7H0G/HRUsSHYKetEbGsp2B+k3YJeyUI";
        assertEquals(expected, hasher.hash("password".toCharArray(), "somesalt16bytes!".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(hasher.verify("password".toCharArray(), expected));
        assertFalse(hasher.verify("Password".toCharArray(), expected));
    }

    @Test
    void hashesUseTheSpecifiedParametersAndAFreshSalt() {
        String first = hasher.hash("correct horse".toCharArray());
        String second = hasher.hash("correct horse".toCharArray());
        assertTrue(first.matches("\\$argon2id\\$v=19\\$m=65536,t=3,p=4\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), first);
        assertNotEquals(first, second, "16 random salt bytes per hash");
        assertTrue(hasher.verify("correct horse".toCharArray(), second));
    }

    @Test
    void rejectsMalformedStoredHashes() {
        assertFalse(hasher.verify("x".toCharArray(), null));
        assertFalse(hasher.verify("x".toCharArray(), "plaintext"));
        assertFalse(hasher.verify("x".toCharArray(), "$argon2i$v=19$m=65536,t=3,p=4$c29tZXNhbHQxNmJ5dGVzIQ$9LFiNwlwJCAl7H0G/HRUsSHYKetEbGsp2B+k3YJeyUI"));
    }

    @Test
    void nonAsciiPasswordsAreHashedAsUtf8() {
        String hash = hasher.hash("pässwörd-日本".toCharArray());
        assertTrue(hasher.verify("pässwörd-日本".toCharArray(), hash));
        assertFalse(hasher.verify("passwort-日本".toCharArray(), hash));
    }

    /**
     * A burst of hashes (logins, password changes) passes one gate: one at a time here, two more
     * waiting, and the rest are refused at once instead of each taking 64 MiB of heap.
     */
    @Test
    void aBurstOfHashesQueuesAtTheGateAndTheRestIsRefused() throws Exception {
        PasswordHasher gated = new PasswordHasher(1, 2, 30);
        int callers = 12;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger hashed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    gated.hash("burst".toCharArray());
                    hashed.incrementAndGet();
                } catch (org.mailforge.application.users.PasswordHashing.Busy e) {
                    busy.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        assertEquals(callers, hashed.get() + busy.get());
        assertTrue(hashed.get() >= 3, "the running one and the two waiting: " + hashed.get());
        assertTrue(busy.get() >= callers / 2, "most of the burst is refused at once: " + busy.get());
        assertTrue(gated.verify("burst".toCharArray(), gated.hash("burst".toCharArray())), "the gate opens again");
    }
}
