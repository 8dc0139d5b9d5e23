package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every storage backend owes, checked through a real server configured for it: tricky content
 * (From lines, dot lines, 8-bit text, binary BDAT, 20 MB) comes back octet for octet from an
 * independent reader; 50 parallel deliveries to one mailbox all arrive whole; a store that fails
 * makes the server answer 451 and leaves nothing half-written; {@code /stats} and quotas count it.
 *
 * <p>A subclass names its server and settings and supplies the reader and the fault; the server
 * runs for the whole class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StorageBackendContract {

    static final String ADMIN_PASSWORD = "storage-admin-password";
    static final String SENDER = "writer@example.org";
    /** Longer than SQLite's wait for its write lock (busy_timeout, 30 s), so a slow disk gives a 4xx, not a silent client. */
    private static final java.time.Duration END_OF_DATA_WAIT = java.time.Duration.ofSeconds(90);
    private static final Pattern CONTRACT = Pattern.compile("X-Contract: ([a-z0-9-]+)\r\n");

    /** A server with one storage backend: its ports and data folder. */
    record Backend(ExtraServer server, int smtpPort, int httpPort, Path data) {

        static Backend start(String name, int smtpPort, int httpPort, List<String> environment) throws Exception {
            Path data = TestServer.DATA.resolveSibling("it-data-" + name);
            ExtraServer.deleteTree(data);
            List<String> settings = new ArrayList<>(List.of("SMTP_ENABLE_AUTH=false", "SMTP_ADMIN_PASSWORD=" + ADMIN_PASSWORD,
                    "SMTP_REJECT_UNKNOWN_RECIPIENTS=true"));
            settings.addAll(environment);
            ExtraServer server = new ExtraServer(name, ExtraServer.basics(smtpPort, httpPort, data), settings);
            server.start();
            return new Backend(server, smtpPort, httpPort, data);
        }

        Path mail() {
            return data.resolve("mail");
        }

        HttpResponse<String> api(String method, String path, String json) throws Exception {
            return TestServer.api(httpPort, method, path, json, "admin", ADMIN_PASSWORD);
        }
    }

    private final String serverName;
    private final int smtpPort;
    private final int httpPort;
    private Backend backend;

    StorageBackendContract(String serverName, int smtpPort, int httpPort) {
        this.serverName = serverName;
        this.smtpPort = smtpPort;
        this.httpPort = httpPort;
    }

    /** The server's settings beyond the common ones (at least SMTP_STORAGE_TYPE). */
    abstract List<String> environment();

    /** Starts what the server needs before it starts (an S3 server). */
    void beforeServer() throws Exception {
    }

    void afterServer() throws Exception {
    }

    @BeforeAll
    void startServer() throws Exception {
        beforeServer();
        backend = Backend.start(serverName, smtpPort, httpPort, environment());
    }

    @AfterAll
    void stopServer() throws Exception {
        try {
            if (backend != null) {
                backend.server().stop();
            }
        } finally {
            afterServer();
        }
    }

    /** The server under test. */
    Backend backend() {
        return backend;
    }

    /** Every message of the mailbox as stored (Return-Path and trace header first), read without the server. */
    abstract List<byte[]> read(String mailbox) throws Exception;

    /** Makes storing into the mailbox fail until the returned handle is closed. */
    abstract AutoCloseable breakStorage(String mailbox) throws Exception;

    /** What the reader gives back for a message sent as {@code sent}: the same octets, unless the format cannot hold them. */
    byte[] asRead(byte[] sent) {
        return sent;
    }

    @Test
    void trickyContentComesBackOctetForOctet() throws Exception {
        String mailbox = newUser(100);
        byte[] text = ("From: Writer <" + SENDER + ">\r\nSubject: tricky\r\nX-Contract: text\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "From the start of a line\r\n>From already quoted\r\n>>From quoted twice\r\n"
                + ".\r\n..\r\n.leading dot\r\n\r\nFrom \r\nGrüße, 日本語, ça va\r\n").getBytes(StandardCharsets.UTF_8);
        assertAccepted(sendData(mailbox, text));

        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        binary.writeBytes("X-Contract: binary\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        for (int i = 1; i < 256; i++) {
            if (i != '\r' && i != '\n') {
                binary.write(i); // CR and LF only as CRLF, and no NUL: without BINARYMIME, BDAT content is text
            }
        }
        binary.writeBytes("\r\n.\r\nFrom after a line end\r\n\u0001From\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertAccepted(sendBdat(mailbox, binary.toByteArray(), 100));

        byte[] big = bigMessage(20 * 1024 * 1024);
        assertAccepted(sendBdat(mailbox, big, 1024 * 1024));

        List<byte[]> stored = read(mailbox);
        assertEquals(3, stored.size(), "three messages stored");
        assertStored(stored, "text", text);
        assertStored(stored, "binary", binary.toByteArray());
        assertStored(stored, "big", big);
    }

    @Test
    void fiftyParallelDeliveriesToOneMailboxAllArriveWhole() throws Exception {
        String mailbox = newUser(100);
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<String>> replies = new ArrayList<>();
            for (int k = 0; k < 50; k++) {
                byte[] message = parallelMessage(k);
                replies.add(clients.submit(() -> {
                    // as an MTA does: a 4xx (the store busy past its wait, on a slow disk) is tried again
                    String reply = sendData(mailbox, message);
                    for (int attempt = 1; attempt < 3 && reply.startsWith("4"); attempt++) {
                        reply = sendData(mailbox, message);
                    }
                    return reply;
                }));
            }
            for (Future<String> reply : replies) {
                assertAccepted(reply.get());
            }
        } finally {
            clients.shutdownNow();
        }
        List<byte[]> stored = read(mailbox);
        assertEquals(50, stored.size());
        Set<Integer> seen = new HashSet<>();
        for (byte[] message : stored) {
            int k = Integer.parseInt(contract(message).substring("parallel-".length()));
            assertTrue(seen.add(k), "message " + k + " stored once");
            assertTrue(endsWith(message, parallelMessage(k)), "message " + k + " whole and not interleaved");
        }
    }

    @Test
    void aFailingStoreAnswers451AndLosesNothing() throws Exception {
        String mailbox = newUser(100);
        assertAccepted(sendData(mailbox, simple("before")));
        try (AutoCloseable broken = breakStorage(mailbox)) {
            String reply = sendData(mailbox, simple("during"));
            assertTrue(reply.startsWith("451 4.3.0 "), "a temporary failure, the client keeps the message: " + reply);
        }
        assertAccepted(sendData(mailbox, simple("after")));
        List<String> contracts = new ArrayList<>();
        for (byte[] message : read(mailbox)) {
            contracts.add(contract(message));
        }
        contracts.sort(null);
        assertEquals(List.of("after", "before"), contracts, "nothing of the refused message is visible");
        JsonObject user = user(mailbox);
        assertEquals(2, user.getJsonObject("statistics").getInt("messages_received"));
    }

    @Test
    void statsAndQuotasCountThisBackend() throws Exception {
        JsonObject before = stats();
        String mailbox = newUser(1);
        byte[] first = bigMessage(600 * 1024);
        assertAccepted(sendBdat(mailbox, first, 64 * 1024));
        String refused = sendBdat(mailbox, bigMessage(600 * 1024), 64 * 1024);
        assertTrue(refused.startsWith("552 5.2.2 "), "the 1 MB quota is full: " + refused);
        JsonObject after = stats();
        assertEquals(before.getInt("messages_stored") + 1, after.getInt("messages_stored"));
        double grown = after.getJsonNumber("total_size_mb").doubleValue() - before.getJsonNumber("total_size_mb").doubleValue();
        assertTrue(grown > 0.55 && grown < 0.65, "total size grew by the stored message: " + grown + " MB");
        double used = user(mailbox).getJsonObject("statistics").getJsonNumber("storage_used_mb").doubleValue();
        assertTrue(used > 0.55 && used < 0.65, "the user's storage counts it: " + used + " MB");
        assertEquals(1, read(mailbox).size());
    }

    // --- helpers ---------------------------------------------------------------------------

    /**
     * For the layouts that do not group by mailbox (time-series, S3): the keys the server's index
     * lists for the mailbox, checked against the spec's key format, each fetched by the reader.
     */
    List<byte[]> readThroughIndex(String mailbox, Fetch fetch) throws Exception {
        List<byte[]> messages = new ArrayList<>();
        for (String key : IndependentReaders.indexedKeys(backend.data().resolve("smtp.db"), mailbox)) {
            assertTrue(key.matches("\\d{4}/\\d{2}/\\d{2}/msg_[a-z0-9]{16}\\.eml"), key);
            messages.add(fetch.apply(key));
        }
        return messages;
    }

    /** Reads one stored object by its key. */
    interface Fetch {
        byte[] apply(String key) throws Exception;
    }

    /**
     * Deleting a user with user-cli, run on the server's own settings, removes its mail from this
     * backend as the API would: files, rows or objects, not only the index.
     */
    @Test
    void userCliDeleteRemovesTheUsersMail() throws Exception {
        String mailbox = newUser(100);
        assertAccepted(sendData(mailbox, simple("leaving")));
        assertEquals(1, read(mailbox).size());
        List<String> keys = IndependentReaders.indexedKeys(backend.data().resolve("smtp.db"), mailbox);
        assertEquals(1, keys.size());
        String username = mailbox.substring(0, mailbox.indexOf('@'));
        UserCliProcess.Result deleted = UserCliProcess.run(backend.server().settings(), "delete", username);
        assertEquals(0, deleted.status(), deleted.output());
        assertEquals(404, backend.api("GET", "/api/users/" + username, null).statusCode());
        assertTrue(!anyMailLeft(mailbox, keys), "none of " + mailbox + "'s mail is left");
    }

    /** Whether anything of the mailbox's messages (index keys taken before) is still stored. */
    boolean anyMailLeft(String mailbox, List<String> keys) throws Exception {
        return !read(mailbox).isEmpty();
    }

    /** After one more delivery: how many messages the server's index lists in all. */
    long deliverAndCountIndexed() throws Exception {
        assertAccepted(sendData(newUser(100), simple("indexed")));
        try (var db = IndependentReaders.sqlite(backend.data().resolve("smtp.db"));
             var rows = db.createStatement().executeQuery("SELECT COUNT(*) FROM stored_messages")) {
            return rows.getLong(1);
        }
    }

    String newUser(int quotaMb) throws Exception {
        String username = "s" + Long.toString(System.nanoTime(), 36);
        String email = username + "@example.test";
        HttpResponse<String> created = backend().api("POST", "/api/users", "{\"username\":\"" + username + "\",\"email\":\""
                + email + "\",\"password\":\"Storage-Pass-123\",\"quota_mb\":" + quotaMb + "}");
        assertEquals(201, created.statusCode(), created.body());
        return email;
    }

    private JsonObject user(String mailbox) throws Exception {
        String username = mailbox.substring(0, mailbox.indexOf('@'));
        return Json.createReader(new StringReader(backend().api("GET", "/api/users/" + username, null).body())).readObject();
    }

    private JsonObject stats() throws Exception {
        HttpResponse<String> response = backend().api("GET", "/stats", null);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject().getJsonObject("storage");
    }

    /** DATA with BODY=8BITMIME; dot-stuffs the message on the wire. Returns the reply to the final dot. */
    String sendData(String mailbox, byte[] message) throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, backend().smtpPort())) {
            smtp.reply();
            smtp.command("EHLO contract.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + SENDER + "> BODY=8BITMIME"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
            assertTrue(smtp.command("DATA").startsWith("354 "));
            String wire = new String(message, StandardCharsets.ISO_8859_1).replaceAll("(?m)^\\.", "..");
            smtp.send(wire.getBytes(StandardCharsets.ISO_8859_1));
            smtp.send(".\r\n".getBytes(StandardCharsets.US_ASCII));
            return smtp.patient(END_OF_DATA_WAIT).reply();
        }
    }

    /** BDAT in chunks of the given size; returns the reply to BDAT LAST. */
    String sendBdat(String mailbox, byte[] message, int chunk) throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, backend().smtpPort())) {
            smtp.reply();
            smtp.command("EHLO contract.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + SENDER + "> BODY=8BITMIME"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
            for (int offset = 0; ; offset += chunk) {
                int length = Math.min(chunk, message.length - offset);
                boolean last = offset + length == message.length;
                smtp.send(("BDAT " + length + (last ? " LAST" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                smtp.send(Arrays.copyOfRange(message, offset, offset + length));
                String reply = smtp.reply();
                if (last || !reply.startsWith("250 ")) {
                    return reply;
                }
            }
        }
    }

    private static void assertAccepted(String reply) {
        assertTrue(reply != null && reply.startsWith("250 2.0.0 "), "accepted: " + reply);
    }

    private void assertStored(List<byte[]> stored, String contract, byte[] sent) {
        byte[] expected = asRead(sent);
        byte[] message = stored.stream().filter(m -> contract.equals(contract(m))).findFirst()
                .orElseThrow(() -> new AssertionError("no stored message " + contract));
        String head = new String(message, 0, Math.min(200, message.length), StandardCharsets.ISO_8859_1);
        assertTrue(head.startsWith("Return-Path: <" + SENDER + ">\r\nReceived: from contract.example "), head);
        assertTrue(endsWith(message, expected), contract + ": the stored message ends with exactly the octets sent");
        assertTrue(message.length < expected.length + 1024, contract + ": and nothing else beyond the trace headers");
    }

    /** The value of the message's X-Contract header. */
    static String contract(byte[] message) {
        Matcher m = CONTRACT.matcher(new String(message, 0, Math.min(4096, message.length), StandardCharsets.ISO_8859_1));
        if (!m.find()) {
            throw new AssertionError("a stored message without X-Contract header");
        }
        return m.group(1);
    }

    private static boolean endsWith(byte[] message, byte[] suffix) {
        return message.length >= suffix.length
                && Arrays.equals(message, message.length - suffix.length, message.length, suffix, 0, suffix.length);
    }

    private static byte[] simple(String contract) {
        return ("Subject: " + contract + "\r\nX-Contract: " + contract + "\r\n\r\nbody of " + contract + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] parallelMessage(int k) {
        StringBuilder message = new StringBuilder("Subject: parallel " + k + "\r\nX-Contract: parallel-" + k + "\r\n\r\n");
        for (int line = 0; line < 200; line++) {
            message.append("message ").append(k).append(" line ").append(line).append(" of 200, the same text for all\r\n");
        }
        return message.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** About {@code size} octets of text lines (seeded, so the same every time), marked "big". */
    private static byte[] bigMessage(int size) {
        Random random = new Random(size);
        StringBuilder message = new StringBuilder(size + 100).append("Subject: big\r\nX-Contract: big\r\n\r\n");
        char[] line = new char[76];
        while (message.length() < size) {
            for (int i = 0; i < line.length; i++) {
                line[i] = (char) ('A' + random.nextInt(58));
            }
            message.append(line).append("\r\n");
        }
        return message.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
