package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "What happened to my mail?" against the real server: every step of a message's journey in
 * {@code GET /api/trace}, from the client's connection to the destination's last reply, verbatim.
 * The test server relays to the test's {@link SmtpSink}, which answers as each test needs.
 */
class MessageTraceIT {

    private static final int SINK_PORT = Integer.getInteger("it.sink.port", TestPorts.port(2526));
    private static final String PASSWORD = "Trace-Pass-123";
    private static SmtpSink sink;
    private static String sender;
    private static String senderUser;
    private static String otherUser;

    @BeforeAll
    static void start() throws Exception {
        sink = new SmtpSink(SINK_PORT);
        sink.script(recipient -> {
            if (recipient.startsWith("slow")) {
                return List.of("451 4.2.0 Greylisted, come back later", "250 2.1.5 Ok");
            }
            if (recipient.startsWith("nobody")) {
                return List.of("550 5.1.1 <" + recipient + ">: no such user here");
            }
            return List.of();
        });
        sender = TestServer.uniqueMailbox("example.test");
        senderUser = TestServer.createUser(sender, PASSWORD);
        otherUser = TestServer.createUser(TestServer.uniqueMailbox("example.test"), PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        sink.close();
    }

    /** The case: a relayed message the destination answers 451, then 250. */
    @Test
    void aRelayedMessageShowsEveryAttemptWithTheDestinationsRepliesVerbatim() throws Exception {
        String recipient = "slow" + System.nanoTime() + "@remote.test";
        String reply = send(sender, recipient, "Trace me", "Twice knocked.\r\n");
        String id = reply.substring(reply.lastIndexOf(' ') + 1);

        JsonObject trace = awaitTrace("recipient=" + recipient, "delivered");
        JsonObject message = trace.getJsonObject("message");
        assertEquals(id, message.getString("id"), "the id is the 250 reply's queued-as");
        assertEquals(sender, message.getString("from"));
        assertEquals(List.of(recipient), message.getJsonArray("to").getValuesAs(jakarta.json.JsonString::getString));
        assertEquals("Trace me", message.getString("subject"));
        assertEquals(senderUser, message.getString("auth_user"));
        assertEquals("127.0.0.1", message.getJsonObject("client").getString("address"));
        assertEquals("client.example", message.getJsonObject("client").getString("helo"));
        assertEquals("smtp", message.getString("listener"));

        JsonArray steps = trace.getJsonArray("steps");
        assertEquals(List.of("received", "queued", "attempt", "attempt"), kinds(steps), steps.toString());
        JsonObject first = steps.getJsonObject(2);
        JsonObject second = steps.getJsonObject(3);
        assertEquals("deferred", first.getString("outcome"));
        assertEquals("451 4.2.0 Greylisted, come back later", first.getString("reply"));
        assertEquals("ok", second.getString("outcome"));
        assertEquals("250 2.0.0 Ok: queued by sink", second.getString("reply"), "the destination's word on the data");
        assertTrue(first.getString("detail").contains("127.0.0.1"), "the host and address tried: " + first);
        assertTrue(second.getString("detail").contains("attempt 2"), second.toString());
        assertEquals(steps.getJsonObject(1).getString("queue_id"), second.getString("queue_id"));

        // the same message by its Message-ID, by its queue entry, by its sender
        assertEquals(id, only(search("queue_id=" + second.getString("queue_id"))).getString("id"));
        assertEquals(id, only(search("sender=" + sender + "&recipient=" + recipient)).getString("id"));
    }

    /** Mail refused at RCPT never reached the queue; the trace still says who tried and why not. */
    @Test
    void aRecipientRefusedAtRcptIsFoundWithTheReplyAndWhy() throws Exception {
        String recipient = "victim" + System.nanoTime() + "@elsewhere.test";
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO relay-seeker.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<spammer@elsewhere.test>"));
            assertEquals("550 5.7.1 <" + recipient + ">: Relay access denied", smtp.command("RCPT TO:<" + recipient + ">"));
        }
        JsonObject trace = awaitTrace("recipient=" + recipient, "refused");
        JsonObject message = trace.getJsonObject("message");
        assertEquals("spammer@elsewhere.test", message.getString("from"));
        assertEquals("relay-seeker.example", message.getJsonObject("client").getString("helo"));
        JsonObject step = trace.getJsonArray("steps").getJsonObject(0);
        assertEquals("refused", step.getString("kind"));
        assertEquals("failed", step.getString("outcome"));
        assertEquals("550 5.7.1 <" + recipient + ">: Relay access denied", step.getString("reply"));
        assertTrue(step.getString("detail").contains("we do not relay"), step.toString());
        assertEquals(1, search("status=refused&recipient=" + recipient).getJsonArray("messages").size());
        assertEquals(0, search("status=delivered&recipient=" + recipient).getJsonArray("messages").size());
    }

    /** A bounce: the destination's 550, the notification sent (a message with a trace of its own), and where that went. */
    @Test
    void aBounceShowsTheRefusalAndTheNotificationToTheSender() throws Exception {
        String recipient = "nobody" + System.nanoTime() + "@remote.test";
        send(sender, recipient, "Doomed to bounce", "Nobody home.\r\n");
        JsonObject trace = awaitTrace("recipient=" + recipient, "failed");
        JsonArray steps = trace.getJsonArray("steps");
        JsonObject attempt = find(steps, "attempt");
        assertEquals("failed", attempt.getString("outcome"));
        assertEquals("550 5.1.1 <" + recipient + ">: no such user here", attempt.getString("reply"));
        JsonObject notified = find(steps, "notified");
        assertTrue(notified.getString("detail").contains("to " + sender), notified.toString());

        String notice = notified.getString("detail").replaceAll(".*notification (\\w+) to.*", "$1");
        JsonObject bounce = awaitTrace("queue_id=" + notice, "delivered");
        assertEquals("", bounce.getJsonObject("message").getString("from"), "a notification has the null sender");
        assertEquals("local", bounce.getJsonObject("message").getString("listener"));
        JsonObject stored = find(bounce.getJsonArray("steps"), "stored");
        assertEquals(sender, stored.getString("recipient"));
        assertTrue(stored.getString("detail").startsWith("stored in " + sender + " (Inbox, key "), stored.toString());
    }

    /** Refused after its data by the application: the header From is not the user's. */
    @Test
    void aMessageRefusedAfterItsDataSaysWhy() throws Exception {
        String recipient = "friend" + System.nanoTime() + "@remote.test";
        try (SmtpConnection smtp = authenticated()) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + ">"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            String reply = smtp.command("From: <ceo@example.test>\r\nSubject: Wire the money\r\n\r\nQuickly.\r\n.");
            assertTrue(reply.startsWith("550 5.7.1 "), reply);
        }
        JsonObject trace = awaitTrace("recipient=" + recipient, "refused");
        // the recipient is in the message's envelope; the refusal is the message's
        assertEquals("Wire the money", trace.getJsonObject("message").getString("subject"));
        JsonObject step = find(trace.getJsonArray("steps"), "refused");
        assertTrue(step.getString("detail").startsWith("at DATA"), step.toString());
        assertTrue(step.getString("reply").contains("is not owned by user " + senderUser), step.toString());
    }

    /** Mail stored here: the mailbox and the key it was stored under. */
    @Test
    void aStoredMessageNamesItsMailboxAndKey() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO partner.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<invoices@supplier.example>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            assertTrue(smtp.command("Message-ID: <invoice-42@supplier.example>\r\nSubject: Invoice 42\r\n\r\nPay.\r\n.").startsWith("250"));
        }
        JsonObject trace = awaitTrace("message_id=invoice-42@supplier.example&recipient=" + mailbox, "delivered");
        assertEquals("<invoice-42@supplier.example>", trace.getJsonObject("message").getString("message_id"));
        JsonObject stored = find(trace.getJsonArray("steps"), "stored");
        assertTrue(stored.getString("detail").startsWith("stored in " + mailbox + " (Inbox, key "), stored.toString());
        assertEquals(1, TestServer.delivered(mailbox).size());
    }

    /** Users see the mail they sent or received, nobody else's; administrators see all. */
    @Test
    void aUserSeesOnlyItsOwnMail() throws Exception {
        String recipient = "seen" + System.nanoTime() + "@remote.test";
        String reply = send(sender, recipient, "Mine", "Only mine.\r\n");
        String id = reply.substring(reply.lastIndexOf(' ') + 1);
        awaitTrace("queue_id=" + id, "delivered");

        var own = TestServer.api("GET", "/api/trace?recipient=" + recipient, null, senderUser, PASSWORD);
        assertEquals(200, own.statusCode(), own.body());
        assertEquals(id, only(json(own.body())).getString("id"));
        assertEquals(200, TestServer.api("GET", "/api/trace/" + id, null, senderUser, PASSWORD).statusCode());

        var other = TestServer.api("GET", "/api/trace?recipient=" + recipient, null, otherUser, PASSWORD);
        assertEquals(0, json(other.body()).getJsonArray("messages").size(), other.body());
        assertEquals(404, TestServer.api("GET", "/api/trace/" + id, null, otherUser, PASSWORD).statusCode());

        assertEquals(401, TestServer.api("GET", "/api/trace", null, null, null).statusCode());
        var bad = TestServer.asAdmin("GET", "/api/trace?status=lost", null);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("status"), bad.body());
        assertEquals(400, TestServer.asAdmin("GET", "/api/trace?from=yesterday", null).statusCode());
        assertEquals(404, TestServer.asAdmin("GET", "/api/trace/NOSUCHTRACE", null).statusCode());
    }

    // ---- helpers ----

    private static SmtpConnection authenticated() throws Exception {
        SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT);
        smtp.reply();
        smtp.command("EHLO client.example");
        String auth = Base64.getEncoder().encodeToString(("\0" + senderUser + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + auth));
        return smtp;
    }

    private static String send(String from, String to, String subject, String body) throws Exception {
        try (SmtpConnection smtp = authenticated()) {
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + from + ">"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + to + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            String reply = smtp.command("From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject + "\r\n\r\n" + body + ".");
            assertTrue(reply.startsWith("250 "), reply);
            return reply;
        }
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }

    /** An administrator's search; the query's values are encoded here. */
    private static JsonObject search(String query) throws Exception {
        StringBuilder encoded = new StringBuilder();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            encoded.append(encoded.isEmpty() ? "" : "&").append(pair, 0, eq + 1)
                    .append(URLEncoder.encode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        var response = TestServer.asAdmin("GET", "/api/trace?" + encoded, null);
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    private static JsonObject only(JsonObject page) {
        assertEquals(1, page.getJsonArray("messages").size(), page.toString());
        return page.getJsonArray("messages").getJsonObject(0);
    }

    /** Waits until the search finds one message with this status, and returns its timeline. */
    private static JsonObject awaitTrace(String query, String status) throws Exception {
        String[] id = new String[1];
        TestServer.await(() -> {
            try {
                JsonArray found = search(query).getJsonArray("messages");
                if (found.size() == 1 && found.getJsonObject(0).getString("status").equals(status)) {
                    id[0] = found.getJsonObject(0).getString("id");
                    return true;
                }
                return false;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Duration.ofSeconds(30), "the trace finds " + query + " " + status);
        var response = TestServer.asAdmin("GET", "/api/trace/" + id[0], null);
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    private static List<String> kinds(JsonArray steps) {
        return steps.getValuesAs(JsonObject.class).stream().map(s -> s.getString("kind")).toList();
    }

    private static JsonObject find(JsonArray steps, String kind) {
        JsonObject step = steps.getValuesAs(JsonObject.class).stream().filter(s -> s.getString("kind").equals(kind))
                .findFirst().orElse(null);
        assertNotNull(step, "a " + kind + " step in " + steps);
        return step;
    }
}
