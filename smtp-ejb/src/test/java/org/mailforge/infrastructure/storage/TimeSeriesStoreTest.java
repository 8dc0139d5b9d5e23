package org.mailforge.infrastructure.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.spi.MessageContent;

class TimeSeriesStoreTest {

    @TempDir
    Path root;

    private static final Clock DAY = Clock.fixed(Instant.parse("2025-10-20T10:30:00Z"), ZoneOffset.UTC);
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});

    private static MessageContent content(byte[] bytes) {
        return MessageContent.of(bytes);
    }

    private static final byte[] MESSAGE = "Subject: archive\r\n\r\nkeep me\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STORED = ("Return-Path: <a@example.org>\r\n" + new String(MESSAGE, StandardCharsets.US_ASCII))
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void storesByDateUnderAMessageId() throws Exception {
        TimeSeriesStore store = new TimeSeriesStore(root, null, DAY);
        StoredLocation location = store.store("bob@example.test", "a@example.org", content(MESSAGE));
        assertTrue(location.key().matches("2025/10/20/msg_[a-z0-9]{16}\\.eml"), location.key());
        assertArrayEquals(STORED, Files.readAllBytes(root.resolve(location.key())));
        try (var staging = Files.list(root.resolve(".tmp"))) {
            assertEquals(0, staging.count());
        }
        store.remove(location);
        assertFalse(Files.exists(root.resolve(location.key())));
    }

    @Test
    void encryptsAtRestWithAFreshNonceAndDecryptsExactly() throws Exception {
        MessageEncryption encryption = new MessageEncryption(KEY);
        TimeSeriesStore store = new TimeSeriesStore(root, encryption, DAY);
        byte[] first = Files.readAllBytes(root.resolve(store.store("bob@example.test", "a@example.org", content(MESSAGE)).key()));
        byte[] second = Files.readAllBytes(root.resolve(store.store("bob@example.test", "a@example.org", content(MESSAGE)).key()));
        assertTrue(new String(first, StandardCharsets.ISO_8859_1).startsWith("MAILFORGE-AES256GCM-1\n"));
        assertFalse(new String(first, StandardCharsets.ISO_8859_1).contains("keep me"), "no plaintext on disk");
        assertFalse(java.util.Arrays.equals(first, second), "a new nonce for every file");
        assertArrayEquals(STORED, encryption.decrypt(first));
        assertArrayEquals(STORED, encryption.decrypt(second));

        first[first.length - 1] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> encryption.decrypt(first), "tampering is detected");
        String otherKey = Base64.getEncoder().encodeToString(new byte[32]);
        assertThrows(GeneralSecurityException.class, () -> new MessageEncryption(otherKey).decrypt(second), "wrong key");
    }

    @Test
    void keysMustBe32Octets() {
        assertThrows(IllegalArgumentException.class, () -> new MessageEncryption(Base64.getEncoder().encodeToString(new byte[16])));
    }

    @Test
    void refusesToDeleteOutsideTheRoot() {
        TimeSeriesStore store = new TimeSeriesStore(root, null, DAY);
        assertThrows(java.io.IOException.class, () -> store.remove(new StoredLocation("x@example.test", "../../etc/passwd", 1)));
    }
}
