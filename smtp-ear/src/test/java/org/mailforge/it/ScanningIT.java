package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Content scanning against real clamd and spamd ({@link ScanningDaemons}), on servers of their own:
 * the default spam action (tag) failing closed, then reject failing open, then quarantine.
 */
class ScanningIT {

    private static final List<ExtraServer> servers = new ArrayList<>();
    private static ScanningDaemons daemons;
    private static Scanned tagging;
    private static Scanned rejecting;
    private static Scanned quarantining;
    private static final int HOOK_PORT = TestPorts.port(2529);
    private static com.sun.net.httpserver.HttpServer hooks;
    private static final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** One server with scanning and its data folder. */
    record Scanned(int smtpPort, int httpPort, Path data) {

        String send(String subject, String body) throws Exception {
            String mailbox = TestServer.uniqueMailbox("example.test");
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, smtpPort)) {
                smtp.reply();
                smtp.command("EHLO scan.example");
                smtp.command("MAIL FROM:<scanner-test@example.org>");
                smtp.command("RCPT TO:<" + mailbox + ">");
                smtp.command("DATA");
                String reply = smtp.command("From: <scanner-test@example.org>\r\nTo: <" + mailbox + ">\r\nSubject: " + subject
                        + "\r\nMessage-ID: <" + System.nanoTime() + "@example.org>\r\nDate: Tue, 24 Nov 2026 12:00:00 +0000\r\n\r\n"
                        + body + "\r\n.");
                return mailbox + " " + reply;
            }
        }

        List<String> stored(String mailbox, String folder) throws Exception {
            Path dir = data.resolve("mail").resolve(mailbox).resolve(folder).resolve("new");
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(dir)) {
                List<String> messages = new ArrayList<>();
                for (Path file : files.toList()) {
                    messages.add(Files.readString(file));
                }
                return messages;
            }
        }

        JsonObject health() throws Exception {
            return Json.createReader(new StringReader(TestServer.get(httpPort, "/health").body())).readObject();
        }
    }

    /** Makes (not yet starts) a server with scanning. */
    private static Scanned create(String name, int smtpPort, int httpPort, String... settings) throws Exception {
        Path data = TestServer.DATA.resolveSibling("it-data-" + name);
        ExtraServer.deleteTree(data);
        List<String> environment = new ArrayList<>(List.of(
                "SMTP_ENABLE_AUTH=false",
                "SMTP_ADMIN_PASSWORD=scan-admin-password",
                "SMTP_ENABLE_CLAMAV=true",
                "SMTP_CLAMAV_PORT=" + ScanningDaemons.CLAMD_PORT,
                "SMTP_ENABLE_SPAMASSASSIN=true",
                "SMTP_SPAMASSASSIN_PORT=" + ScanningDaemons.SPAMD_PORT,
                "SMTP_SCANNER_TIMEOUT_SECONDS=20"));
        environment.addAll(List.of(settings));
        ExtraServer server = new ExtraServer(name, ExtraServer.basics(smtpPort, httpPort, data), environment);
        servers.add(server);
        return new Scanned(smtpPort, httpPort, data);
    }

    @BeforeAll
    static void startAll() throws Exception {
        daemons = ScanningDaemons.shared();
        hooks = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", HOOK_PORT), 10);
        hooks.createContext("/", exchange -> {
            events.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hooks.start();
        tagging = create("mailforgeScanTag", TestPorts.port(325), TestPorts.port(380), "SMTP_WEBHOOK_URL=http://127.0.0.1:" + HOOK_PORT + "/",
                "SMTP_WEBHOOK_EVENTS=spam.detected,virus.detected");
        rejecting = create("mailforgeScanReject", TestPorts.port(425), TestPorts.port(480), "SMTP_SPAM_ACTION=reject", "SMTP_SCANNER_FAIL_OPEN=true",
                "SMTP_SCAN_MAX_SIZE=20000");
        quarantining = create("mailforgeScanJunk", TestPorts.port(525), TestPorts.port(580), "SMTP_SPAM_ACTION=quarantine");
        ExtraServer.startAll(servers);
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (hooks != null) { // null when @BeforeAll skipped the class (a daemon is not installed)
            hooks.stop(0);
        }
        for (ExtraServer server : servers) {
            server.stop();
        }
    }

    private static String mailbox(String sent) {
        return sent.substring(0, sent.indexOf(' '));
    }

    private static String reply(String sent) {
        return sent.substring(sent.indexOf(' ') + 1);
    }

    @Test
    void cleanMailIsStoredUnchangedButForTheSpamHeaders() throws Exception {
        String sent = tagging.send("Lunch", "Shall we meet at noon?");
        assertTrue(reply(sent).startsWith("250 "), sent);
        List<String> inbox = tagging.stored(mailbox(sent), "");
        assertEquals(1, inbox.size());
        String stored = inbox.get(0);
        assertTrue(stored.contains("\r\nX-Spam-Status: No, score="), stored);
        assertFalse(stored.contains("X-Spam-Flag"), stored);
        assertTrue(stored.endsWith("\r\n\r\nShall we meet at noon?\r\n"), stored);
    }

    @Test
    void aVirusIsRefusedAndNeverStored() throws Exception {
        long before = stats(tagging).getJsonObject("virus").getInt("detected");
        String sent = tagging.send("Invoice", "Please open: " + ScanningDaemons.EICAR);
        assertTrue(reply(sent).startsWith("554 5.7.1 ") && reply(sent).contains("Eicar-Test-Signature"), sent);
        assertEquals(List.of(), tagging.stored(mailbox(sent), ""));
        JsonObject virus = stats(tagging).getJsonObject("virus");
        assertEquals(before + 1, virus.getInt("detected"));
        assertTrue(virus.getJsonNumber("rate").doubleValue() > 0);
        TestServer.await(() -> events.stream().anyMatch(e -> e.contains("\"virus.detected\"") && e.contains(mailbox(sent))
                && e.contains("Eicar-Test-Signature")), java.time.Duration.ofSeconds(20), "the virus.detected webhook");
    }

    @Test
    void spamIsTaggedAndStored() throws Exception {
        String sent = tagging.send("Offer", "Buy now " + ScanningDaemons.GTUBE);
        assertTrue(reply(sent).startsWith("250 "), sent);
        String stored = tagging.stored(mailbox(sent), "").get(0);
        assertTrue(stored.startsWith("Return-Path: <scanner-test@example.org>\r\nX-Spam-Flag: YES\r\nX-Spam-Score: "), stored);
        assertTrue(stored.contains("X-Spam-Status: Yes, score=") && stored.contains("GTUBE"), stored);
        assertTrue(stats(tagging).getJsonObject("spam").getInt("detected") >= 1);
        TestServer.await(() -> events.stream().anyMatch(e -> e.contains("\"spam.detected\"") && e.contains(mailbox(sent))
                && e.contains("\"action\":\"tag\"")), java.time.Duration.ofSeconds(20), "the spam.detected webhook");
    }

    @Test
    void aDaemonThatIsDownDefersMailUntilItIsBack() throws Exception {
        daemons.stopClamd();
        try {
            String sent = tagging.send("While down", "nothing lost");
            assertTrue(reply(sent).startsWith("451 4.7.1 "), sent);
            assertEquals(List.of(), tagging.stored(mailbox(sent), ""));
            JsonObject health = tagging.health();
            assertEquals("unhealthy", health.getString("status"));
            assertTrue(health.getJsonArray("reasons").toString().contains("clamd at 127.0.0.1:" + ScanningDaemons.CLAMD_PORT
                    + " does not answer"), health.toString());
        } finally {
            daemons.startClamd();
        }
        String again = tagging.send("After", "back again");
        assertTrue(reply(again).startsWith("250 "), again);
        assertEquals("healthy", tagging.health().getString("status"));
    }

    @Test
    void withRejectSpamGets550AndNothingIsStored() throws Exception {
        String sent = rejecting.send("Offer", "Buy now " + ScanningDaemons.GTUBE);
        assertTrue(reply(sent).startsWith("550 5.7.1 "), sent);
        assertEquals(List.of(), rejecting.stored(mailbox(sent), ""));
    }

    @Test
    void messagesOverTheScanLimitAreStoredUnscannedWithAHeader() throws Exception {
        String sent = rejecting.send("Big", ScanningDaemons.GTUBE + "\r\n" + "x".repeat(70) .concat("\r\n").repeat(400));
        assertTrue(reply(sent).startsWith("250 "), "not scanned, so not refused: " + sent);
        String stored = rejecting.stored(mailbox(sent), "").get(0);
        assertTrue(stored.contains("X-Mailforge-Scan: skipped, ") && stored.contains(" over the scan limit of 20000"), stored);
    }

    @Test
    void failingOpenAcceptsMailUnscannedAndSaysSo() throws Exception {
        daemons.stopSpamd();
        try {
            String sent = rejecting.send("Unscanned", "Buy now " + ScanningDaemons.GTUBE);
            assertTrue(reply(sent).startsWith("250 "), sent);
            String stored = rejecting.stored(mailbox(sent), "").get(0);
            assertTrue(stored.contains("X-Mailforge-Scan: spam check skipped, scanner unavailable"), stored);
            JsonObject health = rejecting.health();
            assertEquals("degraded", health.getString("status"), health.toString());
            assertEquals(200, TestServer.get(rejecting.httpPort(), "/health").statusCode());
        } finally {
            daemons.startSpamd();
        }
    }

    @Test
    void withQuarantineSpamGoesToTheJunkFolder() throws Exception {
        String sent = quarantining.send("Offer", "Buy now " + ScanningDaemons.GTUBE);
        assertTrue(reply(sent).startsWith("250 "), sent);
        assertEquals(List.of(), quarantining.stored(mailbox(sent), ""), "not in the inbox");
        List<String> junk = quarantining.stored(mailbox(sent), ".Junk");
        assertEquals(1, junk.size());
        assertTrue(junk.get(0).contains("\r\nX-Spam-Flag: YES\r\n"), junk.get(0));
        assertTrue(Files.exists(quarantining.data().resolve("mail").resolve(mailbox(sent)).resolve(".Junk/maildirfolder")));
    }

    private static JsonObject stats(Scanned server) throws Exception {
        var response = TestServer.api(server.httpPort(), "GET", "/stats", null, "admin", "scan-admin-password");
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
