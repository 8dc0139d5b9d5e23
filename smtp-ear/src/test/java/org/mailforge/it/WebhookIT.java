package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks arrive at a real HTTP receiver on 127.0.0.1 (the JDK's HTTP server), signed with the
 * secret of src/it/liberty/server.env, and are retried when the receiver fails at first.
 */
class WebhookIT {

    private static final int PORT = Integer.getInteger("it.webhook.port", TestPorts.port(2528));
    private static final int SINK_PORT = Integer.getInteger("it.sink.port", TestPorts.port(2526));
    private static final String SECRET = "it-webhook-secret";

    /** One call as the receiver got it. */
    record Call(String event, String id, int attempt, String signature, String body, JsonObject json) {
    }

    private static final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Events whose first attempt the receiver answers with 503. */
    private static final List<String> failFirst = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;
    private static SmtpSink sink;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 50);
        receiver.createContext("/hooks/mailforge", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String text = new String(body, StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            int attempt = Integer.parseInt(headers.getFirst("X-Webhook-Attempt"));
            Call call = new Call(headers.getFirst("X-Webhook-Event"), headers.getFirst("X-Webhook-Id"), attempt,
                    headers.getFirst("X-Webhook-Signature"), text, Json.createReader(new StringReader(text)).readObject());
            calls.add(call);
            boolean fail = attempt == 1 && failFirst.stream().anyMatch(text::contains);
            exchange.sendResponseHeaders(fail ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        sink = new SmtpSink(SINK_PORT);
    }

    @AfterAll
    static void stop() throws Exception {
        receiver.stop(0);
        sink.close();
    }

    private static Call awaitCall(String event, Predicate<Call> match) throws InterruptedException {
        TestServer.await(() -> calls.stream().anyMatch(c -> c.event().equals(event) && match.test(c)),
                Duration.ofSeconds(20), "a " + event + " webhook arrives");
        return calls.stream().filter(c -> c.event().equals(event) && match.test(c)).findFirst().orElseThrow();
    }

    private static void assertSigned(Call call) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(call.body().getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, call.signature(), "HMAC-SHA256 of the body with the shared secret");
        assertEquals(List.of("event", "timestamp", "data"), List.copyOf(call.json().keySet()));
        assertEquals(call.event(), call.json().getString("event"));
        Instant timestamp = Instant.parse(call.json().getString("timestamp"));
        assertTrue(Duration.between(timestamp, Instant.now()).abs().toMinutes() < 5, "timestamp " + timestamp);
    }

    @Test
    void aReceivedMessageIsAnnounced() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        String subject = "Webhook " + System.nanoTime();
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO hooks.example");
            smtp.command("MAIL FROM:<announcer@example.org>");
            smtp.command("RCPT TO:<" + mailbox + ">");
            smtp.command("DATA");
            assertTrue(smtp.command("Subject: " + subject + "\r\n\r\nhello hooks\r\n.").startsWith("250 "));
        }
        Call call = awaitCall("message.received", c -> c.body().contains(subject));
        assertSigned(call);
        JsonObject data = call.json().getJsonObject("data");
        assertTrue(data.getString("message_id").startsWith("msg_"));
        assertEquals("announcer@example.org", data.getString("from"));
        assertEquals(List.of(mailbox), data.getJsonArray("to").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList());
        assertEquals(subject, data.getString("subject"));
        assertTrue(data.getJsonNumber("size_bytes").longValue() > 20);
    }

    @Test
    void aFailingReceiverGetsTheSameCallAgain() throws Exception {
        String subject = "Retry me " + System.nanoTime();
        failFirst.add(subject);
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO hooks.example");
            smtp.command("MAIL FROM:<>");
            smtp.command("RCPT TO:<" + TestServer.uniqueMailbox("example.test") + ">");
            smtp.command("DATA");
            assertTrue(smtp.command("Subject: " + subject + "\r\n\r\nagain\r\n.").startsWith("250 "));
        }
        Call second = awaitCall("message.received", c -> c.body().contains(subject) && c.attempt() == 2);
        Call first = calls.stream().filter(c -> c.body().contains(subject) && c.attempt() == 1).findFirst().orElseThrow();
        assertEquals(first.id(), second.id(), "the same call, so the receiver can drop repeats");
        assertEquals(first.body(), second.body());
        assertSigned(second);
        Thread.sleep(3_000);
        assertEquals(2, calls.stream().filter(c -> c.body().contains(subject)).count(), "no more once it was taken");
    }

    @Test
    void userCreationAndFailedLoginsAreAnnouncedWithoutSecrets() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        String password = "Hook-Password-42";
        String username = TestServer.createUser(mailbox, password);
        Call created = awaitCall("user.created", c -> c.body().contains(username));
        assertSigned(created);
        assertEquals(mailbox, created.json().getJsonObject("data").getString("email"));
        assertFalse(created.body().contains(password));

        String wrong = "Wrong-" + System.nanoTime();
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO hooks.example");
            String token = Base64.getEncoder().encodeToString(("\0" + username + "\0" + wrong).getBytes(StandardCharsets.UTF_8));
            assertTrue(smtp.command("AUTH PLAIN " + token).startsWith("535 "));
        }
        Call failed = awaitCall("auth.failed", c -> c.body().contains(username));
        assertSigned(failed);
        assertFalse(failed.body().contains(wrong), "never the password");
    }

    @Test
    void deliveredAndFailedOutboundMailIsAnnounced() throws Exception {
        String from = TestServer.uniqueMailbox("example.test");
        String password = "Hook-Relay-Pass-1";
        String username = TestServer.createUser(from, password);
        sink.script(recipient -> recipient.startsWith("nobody") ? List.of("550 5.1.1 No such user here") : List.of());
        String delivered = "friend" + System.nanoTime() + "@remote.test";
        String refused = "nobody" + System.nanoTime() + "@remote.test";
        for (String recipient : List.of(delivered, refused)) {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
                smtp.reply();
                smtp.command("EHLO hooks.example");
                String token = Base64.getEncoder().encodeToString(("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8));
                assertTrue(smtp.command("AUTH PLAIN " + token).startsWith("235 "));
                smtp.command("MAIL FROM:<" + from + ">");
                assertTrue(smtp.command("RCPT TO:<" + recipient + ">").startsWith("250 "));
                smtp.command("DATA");
                assertTrue(smtp.command("Subject: outbound hooks\r\n\r\nout\r\n.").startsWith("250 "));
            }
        }
        Call sent = awaitCall("message.sent", c -> c.body().contains(delivered));
        assertSigned(sent);
        JsonObject sentData = sent.json().getJsonObject("data");
        assertEquals(from, sentData.getString("from"));
        assertEquals("outbound hooks", sentData.getString("subject"));
        Call failed = awaitCall("message.failed", c -> c.body().contains(refused));
        assertSigned(failed);
        assertTrue(failed.json().getJsonObject("data").getString("error").contains("550"), failed.body());
    }
}
