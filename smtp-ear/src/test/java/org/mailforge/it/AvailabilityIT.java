package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Hostile traffic against a server of its own in MX mode, with only 127.0.0.1 exempt from the
 * limits: refused connections must not make the node unready, a few addresses must not take every
 * slot, held and trickling sessions must not keep theirs, and guessing passwords over the API
 * costs no hashing once an address or account is over its budget.
 *
 * <p>Limits are smaller than in production so that the test stays small: 1,200 connections with
 * stress mode above 960, 3 sessions per address, a 3 s stress timeout, a 12 s session deadline and
 * two failed logins an hour per address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AvailabilityIT {

    private static final int SMTP_PORT = TestPorts.port(2625);
    private static final int HTTP_PORT = TestPorts.port(2680);
    private static final int METRICS_PORT = HTTP_PORT + 1;
    private static final int MAX_SESSION_SECONDS = 12;
    /** SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR here (5 by default): each failure costs an Argon2id hash, so few make the test fast. */
    private static final int AUTH_FAILURES = 2;
    private static final String ADMIN_PASSWORD = "availability-admin-password";
    private static ExtraServer server;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = TestServer.DATA.resolveSibling("it-data-availability");
        ExtraServer.deleteTree(data);
        server = new ExtraServer("mailforgeAvailability", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=" + ADMIN_PASSWORD,
                "SMTP_ENABLE_AUTH=false",
                "SMTP_MAX_CONNECTIONS=1200",
                "SMTP_MAX_CONNECTIONS_PER_IP=3",
                "SMTP_STRESS_TIMEOUT_SECONDS=3",
                "SMTP_MAX_SESSION_SECONDS=" + MAX_SESSION_SECONDS,
                "SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR=" + AUTH_FAILURES,
                "SMTP_API_TRUSTED_PROXIES=127.0.0.9/32")); // a reverse proxy in front of the API
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static double metric(String name) throws Exception {
        return TestServer.metric(METRICS_PORT, TestServer.series(name, "listener", "smtp"));
    }

    private static JsonObject health() throws Exception {
        HttpResponse<String> response = TestServer.get(HTTP_PORT, "/health");
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals(200, response.statusCode(), response.body());
        return body;
    }

    /** 130 connections from one address within a second: 120 refused, and the node stays in service. */
    @Test
    @Order(1)
    void refusedConnectionsLeaveTheNodeReady() throws Exception {
        double refusedBefore = metric("smtp_connections_refused_total");
        int greeted = 0;
        int refused = 0;
        for (int i = 0; i < 130; i++) {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.2")) {
                String reply = smtp.reply();
                if (reply.startsWith("220 ")) {
                    greeted++;
                    smtp.command("QUIT");
                    while (smtp.reply() != null) {
                        // until the server closes: its session's place is free by then (3 per address here)
                    }
                } else if (reply.startsWith("421 4.7.0")) {
                    refused++;
                }
            }
        }
        assertEquals(10, greeted, "SMTP_RATE_LIMIT_CONNECTIONS_PER_MINUTE=10");
        assertEquals(120, refused);
        assertEquals(refusedBefore + 120, TestServer.awaitMetric(METRICS_PORT, TestServer.series("smtp_connections_refused_total", "listener", "smtp"), refusedBefore + 120));

        JsonObject health = health();
        assertEquals("degraded", health.getString("status"), health.toString());
        assertTrue(health.getJsonArray("reasons").toString().contains("refused SMTP connections in the last minute: 120 (above 100)"),
                health.toString());
        HttpResponse<String> ready = TestServer.get(METRICS_PORT, "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"status\":\"UP\""), ready.body());
    }

    /** The fourth session from one address is refused; the others, and other addresses, are not. */
    @Test
    @Order(2)
    void oneAddressHoldsAtMostItsShareOfTheSlots() throws Exception {
        double before = metric("smtp_connections_refused_per_address_total");
        List<SmtpConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.3");
                held.add(smtp);
                assertTrue(smtp.reply().startsWith("220 "));
            }
            try (SmtpConnection fourth = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.3")) {
                assertEquals("421 4.7.0 localhost Error: too many concurrent connections from 127.0.0.3, try again later", fourth.reply());
            }
            try (SmtpConnection other = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.4")) {
                assertTrue(other.reply().startsWith("220 "), "another address is not affected");
            }
            assertEquals(before + 1, TestServer.awaitMetric(METRICS_PORT, TestServer.series("smtp_connections_refused_per_address_total", "listener", "smtp"), before + 1));
            held.remove(0).close();
            // the slot comes back when the session has ended on the server side
            TestServer.await(() -> {
                try (SmtpConnection again = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.3")) {
                    return again.reply().startsWith("220 ");
                } catch (IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(20), "a closed session's slot is free again");
        } finally {
            for (SmtpConnection smtp : held) {
                smtp.close();
            }
        }
    }

    /**
     * 1,000 idle sessions from 334 addresses put the listener under stress: a legitimate client
     * still gets its 220 and delivers, the HTTP API answers, and the idle sessions end with
     * 421 4.4.2 within seconds (stress timeout) or at their deadline, not after the 300 s idle timeout.
     */
    @Test
    @Order(3)
    void thousandsOfIdleSessionsNeitherLockOutClientsNorStarveTheServer() throws Exception {
        double stressTimeoutsBefore = metric("smtp_stress_timeouts_total");
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                int address = 256 + i / 3; // 127.0.1.0 and up, three each
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress("127.0." + (address / 256) + "." + (address % 256), 0));
                socket.connect(new InetSocketAddress(TestServer.HOST, SMTP_PORT), 10_000);
                socket.setSoTimeout(60_000);
                held.add(socket);
            }
            for (Socket socket : held) {
                assertTrue(readLine(socket.getInputStream()).startsWith("220 "), "every held session was greeted");
            }
            assertTrue(metric("smtp_connections_active") >= 1000, "all held sessions are open at once");

            String mailbox = TestServer.uniqueMailbox("example.test");
            long start = System.nanoTime();
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
                assertTrue(smtp.reply().startsWith("220 "));
                long greeting = System.nanoTime() - start;
                smtp.command("EHLO legitimate.example");
                assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<sender@elsewhere.example>"));
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
                assertTrue(smtp.command("DATA").startsWith("354"));
                smtp.send("Subject: through the crowd\r\n\r\nhello\r\n.\r\n");
                assertTrue(smtp.reply().startsWith("250 "), "the legitimate message is taken");
                System.out.printf("AvailabilityIT: 220 after %d ms with 1,000 sessions held%n", greeting / 1_000_000);
            }
            HttpResponse<String> api = TestServer.get(HTTP_PORT, "/health");
            assertEquals(200, api.statusCode(), "the HTTP API still answers: " + api.body());

            // Under stress (more than 960 open) the watch cuts off every session idle for 3 s at once,
            // which ends the stress; sessions opened in the last 3 s before that live on until their
            // deadline (12 s). Either way each gets 421 4.4.2, and at least the 41 sessions above the
            // threshold went by the stress timeout.
            for (Socket socket : held) {
                String last = readLine(socket.getInputStream());
                assertTrue(last != null && last.startsWith("421 4.4.2"), "an idle session: " + last);
            }
            double cut = TestServer.awaitMetric(METRICS_PORT, TestServer.series("smtp_stress_timeouts_total", "listener", "smtp"), stressTimeoutsBefore + 41)
                    - stressTimeoutsBefore;
            System.out.printf("AvailabilityIT: %.0f of 1,000 idle sessions cut off by the stress timeout%n", cut);
            assertTrue(cut >= 41, "the stress timeout brought the listener back below 80 %: " + cut);
            TestServer.await(() -> {
                try {
                    return metric("smtp_connections_active") < 10;
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(30), "the server let go of the held sessions");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /**
     * A slowloris inside DATA: one octet a second, never idle for long. The session deadline
     * (SMTP_MAX_SESSION_SECONDS=12) ends it with 421 4.4.2, and nothing is stored.
     */
    @Test
    @Order(4)
    void aSessionTricklingInsideDataEndsAtItsDeadline() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        long start = System.nanoTime();
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.5")) {
            assertTrue(smtp.reply().startsWith("220 "));
            smtp.command("EHLO slow.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<slow@elsewhere.example>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            smtp.send("Subject: slow\r\n\r\n");
            String reply = null;
            for (int i = 0; i < 3 * MAX_SESSION_SECONDS && reply == null; i++) {
                try {
                    smtp.send("x");
                } catch (IOException e) {
                    break; // the server closed the connection
                }
                reply = smtp.replyWithin(Duration.ofSeconds(1));
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000_000;
            assertTrue(reply != null && reply.startsWith("421 4.4.2") && reply.contains("session time limit exceeded"),
                    "the session ended with its deadline: " + reply);
            assertTrue(elapsed >= MAX_SESSION_SECONDS - 1, "not before its deadline: " + elapsed + " s");
        }
        assertTrue(!java.nio.file.Files.exists(data.resolve("mail").resolve(mailbox)), "nothing was stored for " + mailbox);
    }

    /**
     * Guessing passwords over the API: after SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR (2 here) failures an
     * address gets 429 with Retry-After, and even the right password is no longer checked from it;
     * another address still logs in.
     */
    @Test
    @Order(5)
    void apiPasswordGuessingIsLimitedPerAddressBeforeHashing() throws Exception {
        String from = "127.0.0.6";
        for (int i = 0; i < AUTH_FAILURES; i++) {
            assertEquals(401, rawGet(from, "/api/users", "admin", "wrong-" + i).status());
        }
        TestServer.RawResponse blocked = rawGet(from, "/api/users", "admin", "wrong-again");
        assertEquals(429, blocked.status(), blocked.body());
        assertTrue(Long.parseLong(blocked.headers().get("retry-after")) > 0, blocked.headers().toString());
        assertTrue(blocked.body().contains("too many failed logins"), blocked.body());
        assertEquals(429, rawGet(from, "/api/users", "admin", ADMIN_PASSWORD).status(), "the budget is checked before the password");
        assertEquals(200, rawGet("127.0.0.7", "/api/users", "admin", ADMIN_PASSWORD).status());
    }

    /**
     * The per-account budget (ten times the per-address one) counts the account, not the name it
     * was guessed under: ten addresses' budgets spent, half as the username and half as the address,
     * block the account's next login from an eleventh.
     */
    @Test
    @Order(5)
    void anAccountsBudgetCountsGuessesUnderAnyOfItsNames() throws Exception {
        String email = "guessed" + System.nanoTime() + "@example.test";
        String user = TestServer.createUser(HTTP_PORT, ADMIN_PASSWORD, email, "Right-Password-1");
        // the ten addresses guess side by side (each hash takes a processor for half a second)
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            List<java.util.concurrent.Future<List<Integer>>> answers = new ArrayList<>();
            for (int address = 0; address < 10; address++) {
                String from = "127.0.1." + (10 + address);
                String login = address < 5 ? user : email;
                answers.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < AUTH_FAILURES; i++) {
                        statuses.add(rawGet(from, "/api/users/" + user, login, "wrong-" + i).status());
                    }
                    return statuses;
                }));
            }
            for (java.util.concurrent.Future<List<Integer>> answer : answers) {
                assertEquals(java.util.Collections.nCopies(AUTH_FAILURES, 401), answer.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        TestServer.RawResponse blocked = rawGet("127.0.1.30", "/api/users/" + user, user, "Right-Password-1");
        assertEquals(429, blocked.status(), "failures under two names are one account's: " + blocked.body());
    }

    /**
     * Twenty wrong passwords sent at once from one address: its budget (2 here) is taken before each
     * password is hashed, so two are checked and eighteen refused, however they interleave (a look
     * at what is left, then a charge after hashing, let all twenty through).
     */
    @Test
    @Order(5)
    void concurrentGuessesCannotOverrunTheBudget() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 20; i++) {
                int guess = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return rawGet("127.0.1.40", "/api/users", "admin", "wrong-at-once-" + guess).status();
                }));
            }
            start.countDown();
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (java.util.concurrent.Future<Integer> answer : answers) {
                byStatus.merge(answer.get(60, java.util.concurrent.TimeUnit.SECONDS), 1, Integer::sum);
            }
            assertEquals(Map.of(401, AUTH_FAILURES, 429, 20 - AUTH_FAILURES), byStatus, "the budget checked, the rest refused before hashing");
        } finally {
            pool.shutdownNow();
        }
    }

    /** An HTTP/1.1 GET from a chosen loopback address (the JDK's client cannot bind one). */
    private static TestServer.RawResponse rawGet(String from, String path, String user, String password) throws IOException {
        return rawGet(from, path, user, password, "");
    }

    /**
     * Behind a reverse proxy of SMTP_API_TRUSTED_PROXIES, the budgets count the client it names in
     * X-Forwarded-For; anyone else's X-Forwarded-For is its own text and changes nothing.
     */
    @Test
    @Order(5)
    void behindATrustedProxyTheForwardedClientIsCounted() throws Exception {
        for (int i = 0; i < AUTH_FAILURES; i++) {
            assertEquals(401, rawGet("127.0.0.9", "/api/users", "admin", "wrong-" + i, "X-Forwarded-For: 192.0.2.7\r\n").status());
        }
        assertEquals(429, rawGet("127.0.0.9", "/api/users", "admin", ADMIN_PASSWORD, "X-Forwarded-For: 192.0.2.7\r\n").status(),
                "the client behind the proxy is blocked");
        assertEquals(200, rawGet("127.0.0.9", "/api/users", "admin", ADMIN_PASSWORD, "X-Forwarded-For: 192.0.2.8\r\n").status(),
                "another client behind the same proxy is not");
        for (int i = 0; i < AUTH_FAILURES; i++) {
            assertEquals(401, rawGet("127.0.0.10", "/api/users", "admin", "wrong-" + i, "X-Forwarded-For: 192.0.2." + (20 + i) + "\r\n")
                    .status());
        }
        assertEquals(429, rawGet("127.0.0.10", "/api/users", "admin", ADMIN_PASSWORD, "X-Forwarded-For: 192.0.2.99\r\n").status(),
                "an untrusted peer's X-Forwarded-For is ignored: its failures were its own");
    }

    private static TestServer.RawResponse rawGet(String from, String path, String user, String password, String extraHeaders) throws IOException {
        return TestServer.rawGet(HTTP_PORT, from, path, user, password, extraHeaders);
    }

    private static String readLine(InputStream in) throws IOException {
        return SmtpConnection.readLine(in);
    }

    /** The server always keeps an enabled administrator: the last one cannot be demoted, disabled or deleted. */
    @Test
    @Order(6)
    void theLastAdministratorStays() throws Exception {
        for (String change : new String[] {"{\"admin\":false}", "{\"enabled\":false}"}) {
            HttpResponse<String> refused = TestServer.api(HTTP_PORT, "PUT", "/api/users/admin", change, "admin", ADMIN_PASSWORD);
            assertEquals(409, refused.statusCode(), change + ": " + refused.body());
            assertTrue(refused.body().contains("last enabled administrator"), refused.body());
        }
        assertEquals(409, TestServer.api(HTTP_PORT, "DELETE", "/api/users/admin", null, "admin", ADMIN_PASSWORD).statusCode());
        String second = "admin2" + System.nanoTime();
        assertEquals(201, TestServer.api(HTTP_PORT, "POST", "/api/users", "{\"username\":\"" + second + "\",\"email\":\"" + second
                + "@example.test\",\"password\":\"Second-Admin-1\",\"admin\":true}", "admin", ADMIN_PASSWORD).statusCode());
        assertEquals(200, TestServer.api(HTTP_PORT, "PUT", "/api/users/" + second, "{\"enabled\":false}", "admin", ADMIN_PASSWORD)
                .statusCode(), "with another enabled administrator the change is fine");
        assertEquals(409, TestServer.api(HTTP_PORT, "PUT", "/api/users/admin", "{\"admin\":false}", "admin", ADMIN_PASSWORD)
                .statusCode(), "a disabled administrator does not count");
    }
}
