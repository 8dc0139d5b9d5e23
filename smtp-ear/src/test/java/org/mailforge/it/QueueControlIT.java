package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * Queue control and outbound guardrails against the real server: bulk actions by filter, a
 * suspended destination, the suppression list, the sending limit per hour (the test server has
 * SMTP_SEND_LIMIT_PER_HOUR=30) and an account held after 20 hard bounces in an hour, with its
 * webhook. The test server relays to the test's {@link SmtpSink}.
 */
class QueueControlIT {

    private static final int SINK_PORT = Integer.getInteger("it.sink.port", TestPorts.port(2526));
    private static final int WEBHOOK_PORT = Integer.getInteger("it.webhook.port", TestPorts.port(2528));
    private static final String PASSWORD = "Control-Pass-123";
    private static final List<String> hooks = new CopyOnWriteArrayList<>();
    private static SmtpSink sink;
    private static HttpServer receiver;

    @BeforeAll
    static void start() throws Exception {
        sink = new SmtpSink(SINK_PORT);
        sink.script(recipient -> {
            if (recipient.startsWith("defer")) {
                return List.of("451 4.4.1 Try again later");
            }
            if (recipient.startsWith("nobody")) {
                return List.of("550 5.1.1 <" + recipient + ">: User unknown");
            }
            return List.of();
        });
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", WEBHOOK_PORT), 50);
        receiver.createContext("/hooks/mailforge", exchange -> {
            String event = exchange.getRequestHeaders().getFirst("X-Webhook-Event");
            hooks.add(event + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() throws Exception {
        receiver.stop(0);
        sink.close();
    }

    /** The issue's case: "hold all mail to example.net", then release it, then delete it with a bounce to the sender. */
    @Test
    void bulkActionsHoldReleaseAndDeleteEveryEntryOfADestination() throws Exception {
        String user = user();
        String sender = mailbox(user);
        String domain = "bulk" + System.nanoTime() + ".test";
        send(user, sender, List.of("defer-a@" + domain), "First");
        send(user, sender, List.of("defer-b@" + domain), "Second");
        TestServer.await(() -> entries(domain, null).size() == 2, Duration.ofSeconds(10), "both queued");

        JsonObject held = bulk("{\"action\":\"hold\",\"filter\":{\"domain\":\"" + domain + "\"}}");
        assertEquals(2, held.getInt("matched"));
        assertEquals(2, held.getInt("touched"));
        assertEquals(2, entries(domain, "held").size(), "both show held");
        int attempts = sink.attempts("defer-a@" + domain);
        String id = entries(domain, "held").get(0).getString("id");
        assertEquals(404, TestServer.asAdmin("POST", "/api/queue/" + id + "/hold", null).statusCode(), "held already");

        JsonObject released = bulk("{\"action\":\"release\",\"filter\":{\"domain\":\"" + domain + "\",\"status\":\"held\"}}");
        assertEquals(2, released.getInt("touched"));
        TestServer.await(() -> sink.attempts("defer-a@" + domain) > attempts, Duration.ofSeconds(10), "released entries are tried at once");

        // an entry an attempt holds right now is matched, not touched: the action is asked again until both are gone
        int[] deleted = new int[1];
        TestServer.await(() -> {
            try {
                deleted[0] += bulk("{\"action\":\"delete\",\"dsn\":true,\"filter\":{\"domain\":\"" + domain + "\"}}").getInt("touched");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return entries(domain, null).isEmpty();
        }, Duration.ofSeconds(10), "both deleted");
        assertEquals(2, deleted[0]);
        TestServer.await(() -> bounces(sender) == 2, Duration.ofSeconds(15), "each sender is told");

        assertEquals(400, TestServer.asAdmin("POST", "/api/queue/bulk", "{\"action\":\"hold\",\"filter\":{}}").statusCode(),
                "an empty filter never acts on the whole queue");
        assertEquals(400, TestServer.asAdmin("POST", "/api/queue/bulk", "{\"action\":\"explode\",\"filter\":{\"domain\":\"x.test\"}}").statusCode());
        assertEquals(400, TestServer.asAdmin("POST", "/api/queue/bulk", "{\"action\":\"hold\",\"filter\":{\"domain\":\"not a domain\"}}").statusCode());
    }

    /** A suspended destination's mail waits while other mail flows; resumed, it goes at once. */
    @Test
    void aSuspendedDestinationWaitsUntilResumed() throws Exception {
        String user = user();
        String sender = mailbox(user);
        String domain = "suspended" + System.nanoTime() + ".test";
        var suspended = TestServer.asAdmin("PUT", "/api/queue/suspensions/" + domain, null);
        assertEquals(200, suspended.statusCode(), suspended.body());
        assertTrue(TestServer.asAdmin("GET", "/api/queue/suspensions", null).body().contains(domain));

        send(user, sender, List.of("waits@" + domain), "Waiting");
        String other = "flows" + System.nanoTime() + "@open.test";
        send(user, sender, List.of(other), "Flowing");
        TestServer.await(() -> !sink.receivedFor(other).isEmpty(), Duration.ofSeconds(10), "other mail flows");
        TestServer.await(() -> entries(domain, null).size() == 1, Duration.ofSeconds(10), "queued");
        assertEquals(0, sink.attempts("waits@" + domain), "nothing was attempted for the suspended domain");
        assertEquals(0, entries(domain, null).get(0).getInt("attempts"));

        assertEquals(200, TestServer.asAdmin("DELETE", "/api/queue/suspensions/" + domain, null).statusCode());
        TestServer.await(() -> !sink.receivedFor("waits@" + domain).isEmpty(), Duration.ofSeconds(10), "resumed: delivered");
        assertEquals(404, TestServer.asAdmin("DELETE", "/api/queue/suspensions/" + domain, null).statusCode());
    }

    /** A recipient that answered "user unknown" is not tried again: its sender hears at once. */
    @Test
    void aRecipientThatRefusedForGoodIsSuppressed() throws Exception {
        String user = user();
        String sender = mailbox(user);
        String recipient = "nobody-supp" + System.nanoTime() + "@remote.test";
        send(user, sender, List.of(recipient), "First try");
        TestServer.await(() -> bounces(sender) == 1, Duration.ofSeconds(15), "the first bounce");
        String list = TestServer.asAdmin("GET", "/api/suppressions", null).body();
        assertTrue(list.contains(recipient) && list.contains("550 5.1.1"), list);

        send(user, sender, List.of(recipient), "Second try");
        TestServer.await(() -> bounces(sender) == 2, Duration.ofSeconds(15), "the second bounce, at once");
        assertEquals(1, sink.attempts(recipient), "the destination was not asked again");

        assertEquals(200, TestServer.asAdmin("DELETE", "/api/suppressions/" + recipient, null).statusCode());
        assertEquals(404, TestServer.asAdmin("DELETE", "/api/suppressions/" + recipient, null).statusCode());
        assertEquals(403, TestServer.api("GET", "/api/suppressions", null, user, PASSWORD).statusCode());
    }

    /** SMTP_SEND_LIMIT_PER_HOUR=30 on the test server: the 31st message of an account waits for the next hour. */
    @Test
    void anAccountOverItsHourlyLimitIsToldToTryLater() throws Exception {
        String user = user();
        String sender = mailbox(user);
        try (SmtpConnection smtp = authenticated(user)) {
            for (int i = 0; i < 30; i++) {
                assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + ">"));
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<limit" + i + "@example.test>"));
                assertTrue(smtp.command("DATA").startsWith("354"));
                assertTrue(smtp.command("From: <" + sender + ">\r\nSubject: " + i + "\r\n\r\nx\r\n.").startsWith("250"));
            }
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + ">"));
            String refused = smtp.command("RCPT TO:<limit-over@example.test>");
            assertTrue(refused.startsWith("452 4.7.1 Error: sending limit reached: 30 messages for " + user + " an hour"), refused);
        }
    }

    /** The issue's case: 20 hard bounces in an hour hold the account, its mail waits, a webhook fires, the administrator releases it. */
    @Test
    void anAccountWhoseMailBouncesTwentyTimesIsHeld() throws Exception {
        String user = user();
        String sender = mailbox(user);
        List<String> unknown = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            unknown.add("nobody-held" + i + "-" + System.nanoTime() + "@remote.test");
        }
        send(user, sender, unknown, "Spam run");
        TestServer.await(() -> heldAccounts().contains("\"" + user + "\""), Duration.ofSeconds(15), "the account is held");
        TestServer.await(() -> hooks.stream().anyMatch(h -> h.startsWith("account.held ") && h.contains("\"" + user + "\"")),
                Duration.ofSeconds(15), "the operator is told");

        try (SmtpConnection smtp = authenticated(user)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + ">"));
            String refused = smtp.command("RCPT TO:<friend@remote.test>");
            assertTrue(refused.startsWith("550 5.7.1 Error: account " + user + " is held"), refused);
        }
        assertEquals(200, TestServer.asAdmin("DELETE", "/api/held-accounts/" + user, null).statusCode());
        try (SmtpConnection smtp = authenticated(user)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + ">"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<friend@remote.test>"));
        }
        assertEquals(404, TestServer.asAdmin("DELETE", "/api/held-accounts/" + user, null).statusCode());
    }

    // ---- helpers ----

    /** A new user; its mailbox is its login at example.test (see {@link #mailbox}). */
    private static String user() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        String user = TestServer.createUser(mailbox, PASSWORD);
        mailboxes.put(user, mailbox);
        return user;
    }

    private static final java.util.Map<String, String> mailboxes = new java.util.concurrent.ConcurrentHashMap<>();

    private static String mailbox(String user) {
        return mailboxes.get(user);
    }

    private static SmtpConnection authenticated(String user) throws Exception {
        SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT);
        smtp.reply();
        smtp.command("EHLO control.example");
        String auth = Base64.getEncoder().encodeToString(("\0" + user + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + auth));
        return smtp;
    }

    private static void send(String user, String sender, List<String> recipients, String subject) throws Exception {
        try (SmtpConnection smtp = authenticated(user)) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + ">"));
            for (String recipient : recipients) {
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            }
            assertTrue(smtp.command("DATA").startsWith("354"));
            String reply = smtp.command("From: <" + sender + ">\r\nSubject: " + subject + "\r\n\r\nBody.\r\n.");
            assertTrue(reply.startsWith("250 "), reply);
        }
    }

    private static JsonObject bulk(String json) throws Exception {
        var response = TestServer.asAdmin("POST", "/api/queue/bulk", json);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    /** The queue entries for a destination domain, of a status or all. */
    private static List<JsonObject> entries(String domain, String status) {
        try {
            var response = TestServer.asAdmin("GET", "/api/queue?limit=1000&domain=" + domain + (status == null ? "" : "&status=" + status), null);
            JsonArray messages = Json.createReader(new StringReader(response.body())).readObject().getJsonArray("messages");
            return messages.getValuesAs(JsonObject.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String heldAccounts() {
        try {
            return TestServer.asAdmin("GET", "/api/held-accounts", null).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bounces in the sender's mailbox. */
    private static int bounces(String mailbox) {
        try {
            int count = 0;
            for (java.nio.file.Path file : TestServer.delivered(mailbox)) {
                if (java.nio.file.Files.readString(file, StandardCharsets.ISO_8859_1).contains("report-type=delivery-status")) {
                    count++;
                }
            }
            return count;
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
