package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

/**
 * Each per-address limit triggers at its configured value (the specification's defaults in
 * src/it/liberty/server.env). Every test connects from its own loopback address, so the limits
 * of one do not touch the others; 127.0.0.1, the address of all other tests, is exempt.
 */
class RateLimitIT {

    private static SmtpConnection from(String address) throws Exception {
        return new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT, address);
    }

    private static long rejectedConnections() throws Exception {
        var response = TestServer.asAdmin("GET", "/stats", null);
        return jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject()
                .getJsonObject("connections").getJsonNumber("rejected").longValue();
    }

    private static double limited(String limit) throws Exception {
        return TestServer.metric(series(limit));
    }

    private static String series(String limit) {
        return TestServer.series("smtp_rate_limited_total", "limit", limit, "listener", "smtp");
    }

    @Test
    void theEleventhConnectionInAMinuteIsTurnedAway() throws Exception {
        double before = limited("connections");
        long rejectedBefore = rejectedConnections();
        for (int i = 1; i <= 10; i++) {
            try (SmtpConnection smtp = from("127.0.0.2")) {
                assertTrue(smtp.reply().startsWith("220 "), "connection " + i);
                smtp.command("QUIT");
            }
        }
        try (SmtpConnection smtp = from("127.0.0.2")) {
            String reply = smtp.reply();
            assertTrue(reply.startsWith("421 4.7.0 ") && reply.contains("too many connections from 127.0.0.2"), reply);
            assertEquals(null, smtp.reply(), "the server hung up");
        }
        try (SmtpConnection smtp = from("127.0.0.1")) {
            assertTrue(smtp.reply().startsWith("220 "), "the exempt address is not limited");
        }
        assertEquals(before + 1, TestServer.awaitMetric(TestServer.METRICS_PORT, series("connections"), before + 1));
        assertEquals(rejectedBefore + 1, rejectedConnections(), "/stats counts the refusal");
    }

    /** One budget per client across the listeners: five connections on port 25 and five on submission are its ten. */
    @Test
    void theListenersShareOneBudgetPerAddress() throws Exception {
        int submission = Integer.getInteger("it.submission.port", TestPorts.port(2587));
        String submissionSeries = TestServer.series("smtp_rate_limited_total", "limit", "connections", "listener", "submission");
        double smtpBefore = limited("connections");
        double submissionBefore = TestServer.metric(submissionSeries);
        for (int i = 1; i <= 10; i++) {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, i % 2 == 0 ? submission : TestServer.SMTP_PORT, "127.0.0.12")) {
                assertTrue(smtp.reply().startsWith("220 "), "connection " + i);
                smtp.command("QUIT");
            }
        }
        for (int port : new int[] {submission, TestServer.SMTP_PORT}) {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, port, "127.0.0.12")) {
                String reply = smtp.reply();
                assertTrue(reply.startsWith("421 4.7.0 ") && reply.contains("too many connections from 127.0.0.12"), port + ": " + reply);
            }
        }
        // each listener counts its own refusal (and both are in before the next test reads the counters)
        assertEquals(smtpBefore + 1, TestServer.awaitMetric(TestServer.METRICS_PORT, series("connections"), smtpBefore + 1));
        assertEquals(submissionBefore + 1, TestServer.awaitMetric(TestServer.METRICS_PORT, submissionSeries, submissionBefore + 1));
    }

    @Test
    void theHundredAndFirstCommandInAMinuteEndsTheSession() throws Exception {
        try (SmtpConnection smtp = from("127.0.0.3")) {
            smtp.reply();
            String reply = null;
            int sent = 0;
            while (reply == null && sent < 120) {
                String answer = smtp.command("NOOP");
                sent++;
                if (!answer.startsWith("250 ")) {
                    reply = answer;
                }
            }
            // the budget refills at 100 a minute, so one or two more may pass on a slow machine
            assertTrue(sent >= 101 && sent <= 105, "refused at command " + sent);
            assertTrue(reply.startsWith("421 4.7.0 ") && reply.contains("too many commands"), reply);
            assertEquals(null, smtp.reply());
        }
    }

    @Test
    void afterFiveFailedLoginsInAnHourAuthIsRefused() throws Exception {
        String wrong = "AUTH PLAIN " + Base64.getEncoder().encodeToString("\0admin\0not-the-password".getBytes());
        for (int session = 0; session < 2; session++) {
            try (SmtpConnection smtp = from("127.0.0.4")) {
                smtp.reply();
                smtp.command("EHLO limits.example");
                for (int i = 0; i < (session == 0 ? 3 : 2); i++) {
                    assertTrue(smtp.command(wrong).startsWith("535 5.7.8"));
                }
            }
        }
        String right = "AUTH PLAIN " + Base64.getEncoder().encodeToString(
                ("\0" + TestServer.ADMIN + "\0" + TestServer.ADMIN_PASSWORD).getBytes());
        try (SmtpConnection smtp = from("127.0.0.4")) {
            smtp.reply();
            smtp.command("EHLO limits.example");
            String reply = smtp.command(right);
            assertTrue(reply.startsWith("421 4.7.0 ") && reply.contains("too many failed authentications"), reply);
        }
    }

    @Test
    void theTwentyFirstMessageInAnHourWaits() throws Exception {
        try (SmtpConnection smtp = from("127.0.0.5")) {
            smtp.reply();
            smtp.command("EHLO limits.example");
            for (int i = 1; i <= 20; i++) {
                assertTrue(smtp.command("MAIL FROM:<limits@example.org>").startsWith("250 "), "message " + i);
                smtp.command("RSET");
            }
            String reply = smtp.command("MAIL FROM:<limits@example.org>");
            assertTrue(reply.startsWith("450 4.7.0 ") && reply.contains("too many messages"), reply);
            assertTrue(smtp.command("NOOP").startsWith("250 "), "the session goes on");
        }
    }

    @Test
    void theApiAnswers429BeyondItsLimitWithTheHeaders() throws Exception {
        String first = http("127.0.0.6", "/health");
        assertTrue(first.startsWith("HTTP/1.1 200"), first);
        assertTrue(first.contains("\r\nX-RateLimit-Limit: 100\r\n") && first.contains("\r\nX-RateLimit-Remaining: 99\r\n"), first);
        java.util.regex.Matcher reset = java.util.regex.Pattern.compile("\r\nX-RateLimit-Reset: (\\d+)\r\n").matcher(first);
        assertTrue(reset.find(), first);
        long now = System.currentTimeMillis() / 1000;
        assertTrue(Long.parseLong(reset.group(1)) >= now && Long.parseLong(reset.group(1)) <= now + 61, first);
        // unauthenticated calls count as well: the limit applies before authentication. The
        // budget refills at 100 a minute, so a few more may pass while the test runs
        String refused = null;
        int sent = 1;
        while (refused == null && sent < 120) {
            String response = http("127.0.0.6", ++sent % 2 == 0 ? "/health" : "/api/users");
            if (response.startsWith("HTTP/1.1 429")) {
                refused = response;
            } else {
                assertTrue(response.matches("(?s)HTTP/1.1 (200|401).*"), response);
            }
        }
        assertTrue(sent >= 101 && sent <= 110, "first 429 at request " + sent);
        assertTrue(refused.startsWith("HTTP/1.1 429"), refused);
        assertTrue(refused.contains("\r\nRetry-After: ") && refused.contains("\r\nX-RateLimit-Remaining: 0\r\n"), refused);
        assertTrue(refused.contains("\"error\":\"too_many_requests\""), refused);
        assertTrue(http("127.0.0.1", "/health").startsWith("HTTP/1.1 200"), "other addresses are not affected");
    }

    /** A raw HTTP/1.1 GET from the given local address (java.net.http cannot choose it). */
    private static String http(String from, String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(from, 0));
            socket.connect(new java.net.InetSocketAddress(TestServer.HOST, TestServer.HTTP_PORT), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + TestServer.HOST + ":" + TestServer.HTTP_PORT + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
