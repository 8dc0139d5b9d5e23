package org.mailforge.infrastructure.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.spi.MessageContent;

class MboxStoreTest {

    @TempDir
    Path root;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-10-23T12:00:00Z"), ZoneOffset.UTC);

    private static MessageContent content(String text) {
        return MessageContent.of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads an mboxrd file back: splits at separator lines and removes one level of quoting. */
    private static List<String> readMboxrd(Path file) throws Exception {
        List<String> messages = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readString(file).split("\n", -1)) {
            if (line.startsWith("From ")) {
                if (current != null) {
                    messages.add(current.toString());
                }
                current = new StringBuilder();
                continue;
            }
            if (current != null) {
                current.append(line.matches(">+From .*") ? line.substring(1) : line).append('\n');
            }
        }
        if (current != null) {
            messages.add(current.toString());
        }
        // each message ends with its own newline plus the separating empty line
        return messages.stream().map(m -> m.endsWith("\n\n\n") ? m.substring(0, m.length() - 2) : m.substring(0, m.length() - 1)).toList();
    }

    @Test
    void writesSeparatorsAndQuotesFromLinesSoTheyRoundTrip() throws Exception {
        MboxStore store = new MboxStore(root, CLOCK);
        String body = "Subject: tricky\r\n\r\nFrom the start\r\n>From quoted\r\n>>From twice\r\n.\r\n..\r\nFromage\r\n\u00e9t\u00e9\r\n";
        store.store("bob@example.test", "alice@example.org", content(body));
        store.store("bob@example.test", "", content("Subject: no newline at the end"));

        Path file = root.resolve("bob@example.test");
        String raw = Files.readString(file);
        assertTrue(raw.startsWith("From alice@example.org Thu Oct 23 12:00:00 2025\n"), raw);
        assertTrue(raw.contains("\n>From the start\n>>From quoted\n>>>From twice\n.\n..\nFromage\n"), raw);
        assertTrue(raw.contains("\n\nFrom MAILER-DAEMON Thu Oct 23 12:00:00 2025\n"), raw);
        assertTrue(raw.endsWith("Subject: no newline at the end\n\n"), raw);

        List<String> messages = readMboxrd(file);
        assertEquals(2, messages.size());
        assertEquals(("Return-Path: <alice@example.org>\r\n" + body).replace("\r\n", "\n"), messages.get(0));
        assertEquals("Return-Path: <>\nSubject: no newline at the end\n", messages.get(1));
    }

    @Test
    void concurrentDeliveriesNeverInterleave() throws Exception {
        MboxStore store = new MboxStore(root, CLOCK);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<StoredLocation>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String body = "Subject: " + i + "\r\n\r\n" + ("line of message " + i + "\r\n").repeat(200);
            results.add(pool.submit(() -> store.store("box@example.test", "s@example.org", content(body))));
        }
        for (Future<StoredLocation> result : results) {
            result.get();
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        List<String> messages = readMboxrd(root.resolve("box@example.test"));
        assertEquals(50, messages.size());
        for (String message : messages) {
            String n = message.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow().substring(9);
            assertEquals(("Return-Path: <s@example.org>\nSubject: " + n + "\n\n" + ("line of message " + n + "\n").repeat(200)), message);
        }
        assertTrue(Files.notExists(root.resolve("box@example.test.lock")), "the dot-lock is released");
    }

    @Test
    void removeTakesOutExactlyOneMessage() throws Exception {
        MboxStore store = new MboxStore(root, CLOCK);
        store.store("r@example.test", "", content("Subject: one\r\n\r\n1\r\n"));
        StoredLocation two = store.store("r@example.test", "", content("Subject: two\r\n\r\n2\r\n"));
        store.store("r@example.test", "", content("Subject: three\r\n\r\n3\r\n"));
        store.remove(two);
        List<String> messages = readMboxrd(root.resolve("r@example.test"));
        assertEquals(List.of("Return-Path: <>\nSubject: one\n\n1\n", "Return-Path: <>\nSubject: three\n\n3\n"), messages);
    }

    /**
     * An undo whose offset has moved (an earlier undo removed a message before it) used to cut out
     * another session's acknowledged message that now started there. It must cut nothing.
     */
    @Test
    void anUndoWhoseOffsetMovedCutsNothing() throws Exception {
        MboxStore store = new MboxStore(root, CLOCK);
        StoredLocation one = store.store("u@example.test", "", content("Subject: one\r\n\r\n1\r\n"));
        StoredLocation two = store.store("u@example.test", "", content("Subject: two\r\n\r\n2\r\n"));
        store.store("u@example.test", "", content("Subject: three\r\n\r\n3\r\n"));
        store.remove(one); // "two" and "three" move down; two's stored offset now points into "three"
        store.remove(two);
        store.remove(two); // twice: still nothing more
        List<String> messages = readMboxrd(root.resolve("u@example.test"));
        assertEquals(List.of("Return-Path: <>\nSubject: two\n\n2\n", "Return-Path: <>\nSubject: three\n\n3\n"), messages,
                "the moved message is kept rather than another one cut");
    }

    @Test
    void pythonMailboxReadsIt() throws Exception {
        boolean python = new ProcessBuilder("sh", "-c", "command -v python3").start().waitFor() == 0;
        assumeTrue(python || "true".equals(System.getenv("CI")), "python3 is not installed (Debian package: python3) here; install it to run this test");
        MboxStore store = new MboxStore(root, CLOCK);
        store.store("py@example.test", "a@example.org", content("Subject: first\r\n\r\nFrom here\r\n"));
        store.store("py@example.test", "b@example.org", content("Subject: second\r\n\r\nbody\r\n"));
        Process process = new ProcessBuilder("python3", "-c",
                "import mailbox,sys; m=mailbox.mbox(sys.argv[1]); print([x['Subject'] for x in m], [x.get_from().split()[0] for x in m])",
                root.resolve("py@example.test").toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.waitFor(), output);
        assertEquals("['first', 'second'] ['a@example.org', 'b@example.org']", output);
    }
}
