package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a server with queued mail, one message in the middle of its delivery and one waiting
 * for its retry: after the restart both reach the destination. The one whose end of data the
 * destination had received when the server died arrives twice: the documented duplicate
 * (the destination accepted, the acknowledgement was lost with the process).
 */
class CrashRecoveryIT {

    private static final int SMTP_PORT = TestPorts.port(125);
    private static final int HTTP_PORT = TestPorts.port(180);
    private static final int SINK_PORT = TestPorts.port(127);

    private static ExtraServer server;
    private static SmtpSink sink;

    @BeforeAll
    static void start() throws Exception {
        Path data = TestServer.DATA.resolveSibling("it-data-crash");
        ExtraServer.deleteTree(data);
        sink = new SmtpSink(SINK_PORT);
        server = new ExtraServer("mailforgeCrash", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_USERNAME=crashadmin",
                "SMTP_ADMIN_PASSWORD=crash-admin-password",
                "SMTP_RELAY_HOST=127.0.0.1",
                "SMTP_RELAY_PORT=" + SINK_PORT,
                "SMTP_QUEUE_RETRY_SCHEDULE=10s", // the deferred message is due about when the restarted server is up
                "SMTP_OUTBOUND_TIMEOUT_SECONDS=5",
                "SMTP_OUTBOUND_ATTEMPT_SECONDS=10", // lease 15 s: the crashed attempt's entry is taken again soon
                "SMTP_QUEUE_SWEEP_SECONDS=5")); // and the sweeper finds it within 5 s of that (the default looks every 30 s)
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            server.stop();
        } finally {
            sink.close();
        }
    }

    @Test
    void queuedMailSurvivesKillDashNine() throws Exception {
        assertEquals(201, api("POST", "/api/users",
                "{\"username\":\"crashuser\",\"email\":\"crashuser@example.test\",\"password\":\"Crash-Pass-123\"}").statusCode());
        sink.script(r -> r.startsWith("later") ? List.of("451 4.3.0 not now", "250 2.1.5 Ok") : List.of());
        CountDownLatch stall = new CountDownLatch(1);
        sink.holdEndOfData(stall);

        send("inflight@remote.test", "In flight");
        TestServer.await(() -> sink.dataSeen() == 1, Duration.ofSeconds(20), "the first message reaches the destination's end of data");
        send("later@remote.test", "Waiting for retry");
        TestServer.await(() -> sink.attempts("later@remote.test") == 1, Duration.ofSeconds(20), "the second is deferred once");

        server.kill();
        stall.countDown();
        sink.holdEndOfData(null);
        server.start();

        TestServer.await(() -> sink.receivedFor("later@remote.test").size() == 1, Duration.ofSeconds(90),
                "the deferred message is delivered after the restart");
        TestServer.await(() -> sink.receivedFor("inflight@remote.test").size() == 2, Duration.ofSeconds(90),
                "the message in flight is delivered again once its lease expired");
        TestServer.await(() -> api("GET", "/api/queue", null).body().contains("\"total\":0"), Duration.ofSeconds(20), "the queue is empty");
        assertTrue(sink.receivedFor("inflight@remote.test").get(1).content().contains("Subject: In flight"));
    }

    private static void send(String recipient, String subject) throws Exception {
        try (SmtpConnection smtp = new SmtpConnection("127.0.0.1", SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO crash.example");
            String credentials = Base64.getEncoder().encodeToString("\0crashuser\0Crash-Pass-123".getBytes(StandardCharsets.UTF_8));
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + credentials));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<crashuser@example.test>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            assertTrue(smtp.command("Subject: " + subject + "\r\n\r\nbody\r\n.").startsWith("250 "));
        }
    }

    private static HttpResponse<String> api(String method, String path, String json) {
        try {
            return TestServer.api(HTTP_PORT, method, path, json, "crashadmin", "crash-admin-password");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
