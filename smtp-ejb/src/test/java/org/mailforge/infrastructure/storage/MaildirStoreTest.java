package org.mailforge.infrastructure.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.spi.MessageContent;

class MaildirStoreTest {

    @TempDir
    Path root;

    private static MessageContent content(String text) {
        return MessageContent.of(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deliversIntoNewWithSpecNamingAndReturnPath() throws IOException {
        MaildirStore store = new MaildirStore(root, "mx.example.test");
        StoredLocation location = store.store("Bob@Example.TEST", "alice@example.org", content("Subject: x\r\n\r\nbody\r\n"));

        Path maildir = root.resolve("Bob@example.test");
        for (String sub : List.of("tmp", "new", "cur")) {
            assertTrue(Files.isDirectory(maildir.resolve(sub)), sub);
        }
        try (Stream<Path> tmp = Files.list(maildir.resolve("tmp")); Stream<Path> delivered = Files.list(maildir.resolve("new"))) {
            assertEquals(0, tmp.count(), "nothing is left in tmp/");
            List<Path> files = delivered.toList();
            assertEquals(1, files.size());
            String name = files.get(0).getFileName().toString();
            assertTrue(name.matches("\\d{10}\\.M\\d{1,6}P\\d+\\.mx\\.example\\.test"), name);
            assertEquals("new/" + name, location.key());
            String stored = Files.readString(files.get(0));
            assertEquals("Return-Path: <alice@example.org>\r\nSubject: x\r\n\r\nbody\r\n", stored);
            assertEquals(stored.length(), location.size());
        }
    }

    @Test
    void namesAreUniqueUnderConcurrency() throws Exception {
        MaildirStore store = new MaildirStore(root, "host");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<StoredLocation>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String body = "message " + i + "\r\n";
            results.add(pool.submit(() -> store.store("box@example.test", "", content(body))));
        }
        Set<String> keys = new HashSet<>();
        for (Future<StoredLocation> result : results) {
            keys.add(result.get().key());
        }
        pool.shutdown();
        assertEquals(200, keys.size());
        try (Stream<Path> files = Files.list(root.resolve("box@example.test/new"))) {
            assertEquals(200, files.count());
        }
    }

    @Test
    void encodesAddressesThatCouldEscapeTheRoot() {
        assertEquals("%2E.%2Fetc@example.test", MaildirStore.directoryName("../etc@example.test"));
        assertEquals("a%2Fb@example.test", MaildirStore.directoryName("a/b@EXAMPLE.test"));
        assertEquals("%2Ehidden@example.test", MaildirStore.directoryName(".hidden@example.test"));
        assertFalse(MaildirStore.directoryName("x\u0000y@example.test").contains("\u0000"));
    }

    @Test
    void failedDeliveryLeavesNothingBehind() throws IOException {
        MaildirStore store = new MaildirStore(root, "host");
        MessageContent broken = new MessageContent() {
            @Override
            public long size() {
                return 10;
            }

            @Override
            public InputStream openStream() throws IOException {
                throw new IOException("spool vanished");
            }
        };
        assertThrows(IOException.class, () -> store.store("box@example.test", "", broken));
        try (Stream<Path> tmp = Files.list(root.resolve("box@example.test/tmp"));
             Stream<Path> delivered = Files.list(root.resolve("box@example.test/new"))) {
            assertEquals(0, tmp.count());
            assertEquals(0, delivered.count());
        }
    }

    @Test
    void removeUndoesADelivery() throws IOException {
        MaildirStore store = new MaildirStore(root, "host");
        StoredLocation location = store.store("box@example.test", "", content("x\r\n"));
        store.remove(location);
        try (Stream<Path> delivered = Files.list(root.resolve("box@example.test/new"))) {
            assertEquals(0, delivered.count());
        }
    }

    @Test
    void unwritableRootFailsNamingTheVariable() throws IOException {
        Path file = Files.writeString(root.resolve("not-a-folder"), "x");
        MaildirStore store = new MaildirStore(file.resolve("mail"), "host");
        IllegalStateException e = assertThrows(IllegalStateException.class, store::checkAvailable);
        assertTrue(e.getMessage().contains("SMTP_STORAGE_PATH"), e.getMessage());
    }

    /** A mailbox removed behind the server's back (user-cli, another node) is made again, not a 451 until restart. */
    @Test
    void aMailboxRemovedOutsideTheServerIsMadeAgain() throws Exception {
        MaildirStore store = new MaildirStore(root, "host");
        store.store("gone@example.test", "", content("Subject: 1\r\n\r\none\r\n"));
        Path maildir = root.resolve("gone@example.test");
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(maildir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
        StoredLocation again = store.store("gone@example.test", "", content("Subject: 2\r\n\r\ntwo\r\n"));
        assertTrue(java.nio.file.Files.exists(maildir.resolve(again.key())), again.toString());
        assertTrue(java.nio.file.Files.isDirectory(maildir.resolve("cur")));
    }

    @Test
    void newParentsAreCreatedWholeUnderAnExistingRoot() throws Exception {
        Path deep = root.resolve("2026/12/01");
        assertEquals(deep, DurableFiles.createDirectoriesDurably(deep));
        assertTrue(java.nio.file.Files.isDirectory(deep));
        assertEquals(deep, DurableFiles.createDirectoriesDurably(deep), "an existing folder is fine");
    }
}
