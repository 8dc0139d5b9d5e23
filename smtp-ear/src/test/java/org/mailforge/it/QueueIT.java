package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Outbound delivery through the queue against a real destination SMTP server on 127.0.0.1 (the
 * test's {@link SmtpSink}; the IT server relays everything there, retrying after 2 s and 4 s, at
 * most 3 attempts).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueueIT {

    private static final int SINK_PORT = Integer.getInteger("it.sink.port", TestPorts.port(2526));
    private static SmtpSink sink;
    private static String sender;
    private static String senderUser;
    private static final String PASSWORD = "Relay-Pass-123";

    @BeforeAll
    static void start() throws Exception {
        sink = new SmtpSink(SINK_PORT);
        sink.script(recipient -> {
            if (recipient.startsWith("slow")) {
                return List.of("451 4.2.0 try again later", "250 2.1.5 Ok");
            }
            if (recipient.startsWith("nobody")) {
                return List.of("550 5.1.1 No such user here");
            }
            if (recipient.startsWith("defer")) {
                return List.of("451 4.3.2 System not accepting network messages");
            }
            return List.of();
        });
        sender = TestServer.uniqueMailbox("example.test");
        senderUser = TestServer.createUser(sender, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        sink.close();
    }

    @Test
    void authenticatedMailToAnotherDomainIsDeliveredToTheDestination() throws Exception {
        String recipient = "friend" + System.nanoTime() + "@remote.test";
        assertEquals("250", send(sender, recipient, "Relay test", "Hello over there.\r\n..a line with a leading dot\r\n").substring(0, 3));

        TestServer.await(() -> !sink.receivedFor(recipient).isEmpty(), Duration.ofSeconds(20), "the destination gets the message");
        SmtpSink.Received received = sink.receivedFor(recipient).get(0);
        assertEquals(sender, received.mailFrom());
        assertTrue(received.content().contains("Subject: Relay test"));
        // sent stuffed as "..a", stored as ".a", stuffed again on the way out: the destination sees ".a"
        assertTrue(received.content().contains("\r\n.a line with a leading dot\r\n"), received.content());
        assertTrue(received.content().startsWith("Received: from "), "our trace header leads");
        TestServer.await(() -> queueEntry(recipient) == null, Duration.ofSeconds(10), "a delivered message leaves the queue");
    }

    @Test
    void unauthenticatedMailToAnotherDomainIsRefused() throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO relay.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<someone@elsewhere.test>"));
            assertEquals("550 5.7.1 <victim@remote.test>: Relay access denied", smtp.command("RCPT TO:<victim@remote.test>"));
        }
    }

    @Test
    void aTemporaryFailureIsRetriedAndShowsInTheQueue() throws Exception {
        String recipient = "slow" + System.nanoTime() + "@remote.test";
        send(sender, recipient, "Retry me", "Second time lucky.\r\n");

        TestServer.await(() -> {
            JsonObject entry = queueEntry(recipient);
            return entry != null && entry.getString("status").equals("retry") && entry.getInt("attempts") == 1;
        }, Duration.ofSeconds(15), "the entry waits for its retry");
        JsonObject entry = queueEntry(recipient);
        assertEquals("Retry me", entry.getString("subject"));
        assertEquals(3, entry.getInt("max_attempts"));
        assertFalse(entry.isNull("next_retry"));
        assertTrue(entry.getString("last_error").startsWith("451 4.2.0"), entry.toString());
        assertEquals(sender, entry.getString("from"));

        TestServer.await(() -> !sink.receivedFor(recipient).isEmpty(), Duration.ofSeconds(20), "the retry delivers it");
        assertEquals(2, sink.attempts(recipient));
        TestServer.await(() -> queueEntry(recipient) == null, Duration.ofSeconds(10), "then it leaves the queue");
    }

    @Test
    void aPermanentFailureBouncesToTheSenderAndCanBeDeleted() throws Exception {
        String recipient = "nobody" + System.nanoTime() + "@remote.test";
        send(sender, recipient, "Doomed", "This will bounce.\r\n");

        TestServer.await(() -> bounceFor(recipient) != null, Duration.ofSeconds(20), "a DSN reaches the sender's mailbox");
        String dsn = bounceFor(recipient);
        assertTrue(dsn.contains("Content-Type: multipart/report; report-type=delivery-status"), dsn);
        assertTrue(dsn.contains("Action: failed"));
        assertTrue(dsn.contains("Status: 5.1.1"));
        assertTrue(dsn.contains("Diagnostic-Code: smtp; 550 5.1.1 No such user here"));
        assertTrue(dsn.contains("Subject: Doomed"), "the original headers are returned");
        assertTrue(dsn.contains("Return-Path: <>") || dsn.contains("MAILER-DAEMON"), "from the mail system");

        JsonObject entry = queueEntry(recipient);
        assertNotNull(entry, "a failed entry stays for the administrator");
        assertEquals("failed", entry.getString("status"));
        String listed = TestServer.asAdmin("GET", "/api/queue?status=failed", null).body();
        assertTrue(listed.contains(entry.getString("id")));
        assertEquals(200, TestServer.asAdmin("DELETE", "/api/queue/" + entry.getString("id"), null).statusCode());
        assertEquals(404, TestServer.asAdmin("DELETE", "/api/queue/" + entry.getString("id"), null).statusCode());
        assertEquals(null, queueEntry(recipient));
    }

    /** The entry {@link #aFailedEntryWaitsWithItsContent} left, and where its content lies. */
    private static String purgedRecipient;
    private static java.nio.file.Path purgedContent;

    /**
     * A failed entry stays with its content for SMTP_QUEUE_FAILED_RETENTION (20 s in the test
     * server): this test runs first, the other tests while the retention runs out, and
     * {@link #failedEntriesArePurgedWithTheirContentAfterTheRetention} last.
     */
    @Test
    @Order(1)
    void aFailedEntryWaitsWithItsContent() throws Exception {
        String recipient = "nobody-purged" + System.nanoTime() + "@remote.test";
        send(sender, recipient, "Doomed and forgotten", "This will bounce, then go.\r\n");
        TestServer.await(() -> queueEntry(recipient) != null && queueEntry(recipient).getString("status").equals("failed"),
                Duration.ofSeconds(20), "the entry fails");
        String id = queueEntry(recipient).getString("id");
        java.nio.file.Path content = TestServer.DATA.resolve("queue").resolve(id + ".eml");
        assertTrue(java.nio.file.Files.exists(content), "the content waits with the failed entry");
        purgedRecipient = recipient;
        purgedContent = content;
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void failedEntriesArePurgedWithTheirContentAfterTheRetention() throws Exception {
        assertNotNull(purgedRecipient, "the failed entry of the first test");
        // the sweeper runs every 5 s (SMTP_QUEUE_SWEEP_SECONDS)
        TestServer.await(() -> queueEntry(purgedRecipient) == null, Duration.ofSeconds(75), "the failed entry is purged");
        assertTrue(java.nio.file.Files.notExists(purgedContent), "and its content with it");
        assertTrue(bounceFor(purgedRecipient) != null, "the sender had its bounce");
    }

    @Test
    void attemptsAreLimitedAndAnAdministratorCanForceARetry() throws Exception {
        String recipient = "defer" + System.nanoTime() + "@remote.test";
        send(sender, recipient, "Never accepted", "Always deferred.\r\n");

        TestServer.await(() -> {
            JsonObject entry = queueEntry(recipient);
            return entry != null && entry.getString("status").equals("failed");
        }, Duration.ofSeconds(30), "after 3 attempts the message fails");
        assertEquals(3, sink.attempts(recipient));
        TestServer.await(() -> bounceFor(recipient) != null, Duration.ofSeconds(10), "and the sender hears of it");
        assertTrue(bounceFor(recipient).contains("Status: 4.3.2"), "the last temporary reply is reported");

        String id = queueEntry(recipient).getString("id");
        var retried = TestServer.asAdmin("POST", "/api/queue/" + id + "/retry", null);
        assertEquals(200, retried.statusCode());
        assertEquals("{\"message\":\"Message queued for immediate retry\",\"success\":true}", canonical(retried.body()));
        TestServer.await(() -> sink.attempts(recipient) == 4, Duration.ofSeconds(10), "the forced retry runs at once");
        assertEquals(404, TestServer.asAdmin("POST", "/api/queue/msg_doesnotexist/retry", null).statusCode());
    }

    @Test
    void deliverByReturnModeGivesUpAtTheDeadline() throws Exception {
        String recipient = "defer-by" + System.nanoTime() + "@remote.test";
        try (SmtpConnection smtp = authenticated()) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + "> BY=3;R"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            data(smtp, "Deadline", "Must arrive within 3 seconds.\r\n");
        }
        TestServer.await(() -> bounceFor(recipient) != null, Duration.ofSeconds(20), "the message is returned at its deadline");
        assertTrue(bounceFor(recipient).contains("DELIVERBY"), bounceFor(recipient));
        assertTrue(sink.attempts(recipient) <= 2, "no attempts after the deadline");
    }

    @Test
    void deliverByNotifyModeWarnsTheSenderAndKeepsTrying() throws Exception {
        String recipient = "defer-notify" + System.nanoTime() + "@remote.test";
        try (SmtpConnection smtp = authenticated()) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + "> BY=1;N"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            data(smtp, "Soon please", "Tell me if this is late.\r\n");
        }
        TestServer.await(() -> bounceFor(recipient) != null, Duration.ofSeconds(20), "a delay notice reaches the sender");
        String notice = bounceFor(recipient);
        assertTrue(notice.contains("Subject: Delayed Mail (still being retried)"), notice);
        assertTrue(notice.contains("Action: delayed"), notice);
        JsonObject entry = queueEntry(recipient);
        assertNotNull(entry, "still queued after the notice");
        assertEquals("retry", entry.getString("status"));
    }

    @Test
    void queueApiIsForAdministratorsOnly() throws Exception {
        assertEquals(401, TestServer.api("GET", "/api/queue", null, null, null).statusCode());
        assertEquals(403, TestServer.api("GET", "/api/queue", null, senderUser, PASSWORD).statusCode());
        assertEquals(400, TestServer.asAdmin("GET", "/api/queue?status=lost", null).statusCode());
        JsonObject page = Json.createReader(new StringReader(TestServer.asAdmin("GET", "/api/queue?limit=5", null).body())).readObject();
        assertEquals(5, page.getInt("limit"));
        assertEquals(0, page.getInt("offset"));
    }

    /**
     * ETRN needs no login, so it may do no harm: mail held for an ATRN customer stays held, and a
     * domain is expedited at most once a minute.
     */
    @Test
    void etrnExpeditesDeferredMailButNeverHeldMail() throws Exception {
        String held = "etrn" + System.nanoTime() + "@held.test";
        send(sender, held, "Held", "Waiting for ATRN.\r\n");
        String deferred = "defer-etrn" + System.nanoTime() + "@etrn.test";
        send(sender, deferred, "Deferred", "The destination says later.\r\n");
        TestServer.await(() -> queueEntry(deferred) != null, Duration.ofSeconds(10), "queued");

        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            assertEquals("503 5.5.1 Error: send HELO/EHLO first", smtp.command("ETRN held.test"));
            smtp.command("EHLO etrn.example");
            assertEquals("251 2.0.0 OK, no messages waiting for node nothing-here.test", smtp.command("ETRN nothing-here.test"));
            assertEquals("459 5.1.2 Node example.test not allowed: mail for it is delivered here", smtp.command("ETRN example.test"));
            assertEquals("501 5.5.4 Syntax: ETRN domain", smtp.command("ETRN"));
            assertEquals("459 5.7.1 Node held.test not allowed: its mail waits for ATRN", smtp.command("ETRN held.test"));
            assertEquals("250 2.0.0 Queuing started for etrn.test", smtp.command("ETRN etrn.test"));
            assertEquals("458 4.7.0 Unable to queue messages for node etrn.test: asked less than a minute ago",
                    smtp.command("ETRN etrn.test"));
        }
        Thread.sleep(3000);
        assertTrue(sink.receivedFor(held).isEmpty(), "mail for a held domain still waits");
        assertEquals("pending", queueEntry(held).getString("status"));
    }

    @Test
    void atrnDeliversHeldMailOverTheClientsConnection() throws Exception {
        TestServer.asAdmin("POST", "/api/users", "{\"username\":\"atrnuser\",\"email\":\"atrn@example.test\",\"password\":\"" + PASSWORD + "\"}");
        String recipient = "atrn" + System.nanoTime() + "@held.test";
        send(sender, recipient, "Collect me", "Delivered by role reversal.\r\n");
        TestServer.await(() -> queueEntry(recipient) != null, Duration.ofSeconds(10), "queued and held");

        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO customer.held.test");
            assertEquals("530 5.7.0 Error: authentication required for ATRN", smtp.command("ATRN held.test"));
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + b64("\0" + senderUser + "\0" + PASSWORD)));
            assertTrue(smtp.command("ATRN held.test").startsWith("450 4.7.1 "), "this user may not collect held.test");
        }
        SmtpSink customer = new SmtpSink(); // plays the customer's server over the ATRN connection
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO customer.held.test");
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + b64("\0atrnuser\0" + PASSWORD)));
            assertEquals("250 2.0.0 Now accepting mail for held.test, reversing the connection", smtp.command("ATRN held.test"));
            customer.serve(smtp.input(), smtp.output());
        }
        assertEquals(1, customer.receivedFor(recipient).size(), "the held message came over our own connection");
        assertTrue(customer.receivedFor(recipient).get(0).content().contains("Delivered by role reversal."));
        assertTrue(customer.commands().get(0).startsWith("EHLO "), "the server spoke first as a client");
        TestServer.await(() -> queueEntry(recipient) == null, Duration.ofSeconds(10), "collected mail leaves the queue");

        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO customer.held.test");
            smtp.command("AUTH PLAIN " + b64("\0atrnuser\0" + PASSWORD));
            assertEquals("453 4.3.0 You have no mail", smtp.command("ATRN held.test"));
        }
    }

    // ---- helpers ----

    private static SmtpConnection authenticated() throws Exception {
        SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT);
        smtp.reply();
        smtp.command("EHLO client.example");
        assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + b64("\0" + senderUser + "\0" + PASSWORD)));
        return smtp;
    }

    private static String send(String from, String to, String subject, String body) throws Exception {
        try (SmtpConnection smtp = authenticated()) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + from + ">"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + to + ">"));
            return data(smtp, subject, body);
        }
    }

    private static String data(SmtpConnection smtp, String subject, String body) throws Exception {
        assertTrue(smtp.command("DATA").startsWith("354"));
        String reply = smtp.command("From: <" + sender + ">\r\nTo: <someone@remote.test>\r\nSubject: " + subject
                + "\r\n\r\n" + body + ".");
        assertTrue(reply.startsWith("250 "), reply);
        return reply;
    }

    /** The queue entry for a recipient, or null. */
    private static JsonObject queueEntry(String recipient) {
        try {
            JsonObject page = Json.createReader(new StringReader(
                    TestServer.asAdmin("GET", "/api/queue?limit=1000", null).body())).readObject();
            return page.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                    .filter(m -> m.getJsonArray("to").getString(0).equals(recipient)).findFirst().orElse(null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The DSN in the sender's mailbox that names the recipient, or null. */
    private static String bounceFor(String recipient) {
        try {
            for (Path file : TestServer.delivered(sender)) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.contains("Final-Recipient: rfc822; " + recipient)) {
                    return text;
                }
            }
            return null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String canonical(String json) {
        JsonObject object = Json.createReader(new StringReader(json)).readObject();
        StringBuilder out = new StringBuilder("{");
        object.keySet().stream().sorted().forEach(k -> out.append(out.length() > 1 ? "," : "").append('"').append(k)
                .append("\":").append(object.get(k)));
        return out.append('}').toString();
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
