package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mailforge.infrastructure.storage.S3ProxyServer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two nodes of one cluster on 127.0.0.1, started at the same moment: one PostgreSQL for all JPA
 * state (users, message index, outbound queue with its leases), one ActiveMQ Artemis broker as the
 * JMS provider through its resource adapter (SMTP_MESSAGING=artemis), one S3 bucket for mail and
 * for queued content (SMTP_QUEUE_STORAGE=s3), and a destination SMTP server. Mail taken by node A
 * is visible through node B's API; queued mail is delivered exactly once while both nodes consume
 * the same JMS queue; after kill -9 of node A, node B delivers what A had accepted and nothing is lost.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiNodeIT {

    private static final String BUCKET = "mailforge-cluster";
    private static final String ADMIN_PASSWORD = "cluster-admin-password";
    private static final String PASSWORD = "Cluster-Pass-123";
    private static final int SINK_PORT = TestPorts.port(1426);

    private static EmbeddedPostgres postgres;
    private static ArtemisBroker artemis;
    private static S3ProxyServer s3;
    private static S3Client reader;
    private static SmtpSink sink;
    private static Pebble pebble;
    private static Node a;
    private static Node b;

    record Node(ExtraServer server, int smtpPort, int httpPort) {

        HttpResponse<String> api(String method, String path, String json) throws Exception {
            return TestServer.api(httpPort, method, path, json, "admin", ADMIN_PASSWORD);
        }

        JsonObject json(String path) throws Exception {
            HttpResponse<String> response = api("GET", path, null);
            assertEquals(200, response.statusCode(), response.body());
            return Json.createReader(new StringReader(response.body())).readObject();
        }

        /** Sends one message; with a user, authenticated (which is what lets it leave for other domains). */
        String send(String user, String from, String to, String subject) throws Exception {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, smtpPort)) {
                smtp.reply();
                smtp.command("EHLO cluster.example");
                if (user != null) {
                    String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
                    assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + token));
                }
                assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + from + ">"));
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + to + ">"));
                smtp.command("DATA");
                smtp.send("Subject: " + subject + "\r\nX-Cluster: " + subject + "\r\n\r\nsent through port " + smtpPort + "\r\n.\r\n");
                return smtp.reply();
            }
        }
    }

    private static Node node(String name, int smtpPort, int httpPort, Path data) throws Exception {
        ExtraServer.deleteTree(data);
        String db = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        ExtraServer server = new ExtraServer(name, ExtraServer.basics(smtpPort, httpPort, data), List.of(
                "SMTP_DB_URL=" + db, "SMTP_DB_USER=postgres", "SMTP_DB_PASSWORD=postgres", "SMTP_DB_POOL_SIZE=10",
                "SMTP_STORAGE_TYPE=s3", "SMTP_QUEUE_STORAGE=s3",
                "SMTP_S3_BUCKET=" + BUCKET, "SMTP_S3_ENDPOINT=" + s3.endpoint(),
                "SMTP_S3_ACCESS_KEY=" + S3ProxyServer.ACCESS_KEY, "SMTP_S3_SECRET_KEY=" + S3ProxyServer.SECRET_KEY,
                "SMTP_ENABLE_AUTH=false", "SMTP_ALLOW_PLAINTEXT_AUTH=true", "SMTP_REJECT_UNKNOWN_RECIPIENTS=true",
                "SMTP_ADMIN_PASSWORD=" + ADMIN_PASSWORD,
                "SMTP_MESSAGING=artemis", "SMTP_ARTEMIS_CONNECTION=" + artemis.connectionParameters(),
                "SMTP_ARTEMIS_USER=" + ArtemisBroker.USER, "SMTP_ARTEMIS_PASSWORD=" + ArtemisBroker.PASSWORD,
                "SMTP_RELAY_HOST=127.0.0.1", "SMTP_RELAY_PORT=" + SINK_PORT,
                "SMTP_QUEUE_RETRY_SCHEDULE=2s,4s", "SMTP_OUTBOUND_TIMEOUT_SECONDS=10", "SMTP_QUEUE_SWEEP_SECONDS=5",
                // greylisting shared through the database; the tests' own mail from 127.0.0.1 is exempt
                "SMTP_GREYLISTING=true", "SMTP_GREYLIST_DELAY_SECONDS=3", "SMTP_SCREENING_EXEMPT=127.0.0.1/32",
                "SMTP_SRS_SECRET=cluster-srs-secret-1", "SMTP_SRS_DOMAIN=example.test", // forwarded mail's bounces, to any node
                // one certificate from ACME for both: Pebble's challenges all reach node A, which answers B's from the database
                "SMTP_ENABLE_TLS=true", "SMTP_ACME_DIRECTORY=" + pebble.directory(), "SMTP_ACME_ACCEPT_TERMS=true",
                "SMTP_ACME_CA_FILE=" + pebble.caFile(),
                "SMTP_HOSTNAME=" + name.toLowerCase(java.util.Locale.ROOT) + ".example")); // its EHLO name tells the nodes apart
        return new Node(server, smtpPort, httpPort);
    }

    @BeforeAll
    static void startCluster() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Path folder = TestServer.DATA.resolveSibling("it-cluster");
        ExtraServer.deleteTree(folder);
        artemis = new ArtemisBroker(TestPorts.port(1616), folder.resolve("artemis")).start();
        s3 = new S3ProxyServer(TestPorts.port(1391), folder.resolve("s3")).start();
        reader = s3.client();
        reader.createBucket(create -> create.bucket(BUCKET));
        pebble = new Pebble(folder.resolve("pebble"), TestPorts.port(1490), TestPorts.port(1480));
        sink = new SmtpSink(SINK_PORT);
        sink.script(recipient -> recipient.startsWith("slow") ? List.of("451 4.2.0 try again later", "250 2.1.5 Ok") : List.of());
        a = node("mailforgeNodeA", TestPorts.port(1425), TestPorts.port(1480), folder.resolve("a"));
        b = node("mailforgeNodeB", TestPorts.port(1525), TestPorts.port(1580), folder.resolve("b"));
        // both at once, as a rolling start of a fresh cluster would: one schema migration, one administrator
        CompletableFuture<Void> startA = CompletableFuture.runAsync(() -> start(a));
        CompletableFuture<Void> startB = CompletableFuture.runAsync(() -> start(b));
        startA.join();
        startB.join();
    }

    private static void start(Node node) {
        try {
            node.server().start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Node node : new Node[] {a, b}) {
            try {
                if (node != null) {
                    node.server().stopAndWait(); // before the broker, the database and S3 go away
                }
            } catch (Exception | AssertionError ignored) {
                // a killed node has nothing to stop
            }
        }
        if (sink != null) {
            sink.close();
        }
        if (pebble != null) {
            pebble.close();
        }
        if (reader != null) {
            reader.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (artemis != null) {
            artemis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String createUser(Node node, String username) throws Exception {
        String email = username + "@example.test";
        HttpResponse<String> created = node.api("POST", "/api/users", "{\"username\":\"" + username + "\",\"email\":\"" + email
                + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return email;
    }

    private static long objects(String prefix) {
        return reader.listObjectsV2Paginator(list -> list.bucket(BUCKET).prefix(prefix)).contents().stream()
                .filter(object -> !object.key().endsWith("/")).count();
    }

    @Test
    @Order(1)
    void mailTakenByOneNodeIsVisibleThroughTheOther() throws Exception {
        String alice = createUser(b, "alice");
        assertTrue(a.send(null, "someone@example.org", alice, "to-alice").startsWith("250 2.0.0 "));
        JsonObject user = b.json("/api/users/alice");
        assertEquals(1, user.getJsonObject("statistics").getInt("messages_received"));
        assertEquals(1, b.json("/stats").getJsonObject("storage").getInt("messages_stored"));
        assertEquals(1, objects(String.valueOf(java.time.Year.now(java.time.ZoneOffset.UTC).getValue())), "the message is in the shared bucket");
    }

    @Test
    @Order(2)
    void queuedMailIsDeliveredExactlyOnceWhileBothNodesConsume() throws Exception {
        String bob = createUser(a, "bob");
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String recipient = (i % 4 == 0 ? "slow" : "peer") + i + "@remote.example";
            recipients.add(recipient);
            Node via = i % 2 == 0 ? a : b;
            assertTrue(via.send("bob", bob, recipient, "outbound-" + i).startsWith("250 2.0.0 "));
        }
        TestServer.await(() -> recipients.stream().allMatch(r -> !sink.receivedFor(r).isEmpty()), Duration.ofSeconds(60),
                "every queued message reaches the destination");
        Thread.sleep(5_000); // time for a duplicate to show up, if any node were to send one
        for (String recipient : recipients) {
            assertEquals(1, sink.receivedFor(recipient).size(), recipient + " delivered exactly once");
            assertEquals(recipient.startsWith("slow") ? 2 : 1, sink.attempts(recipient), recipient + " attempts");
        }
        TestServer.await(() -> objects("queue/") == 0, Duration.ofSeconds(10), "queued content removed after delivery");
        TestServer.await(() -> {
            try {
                return b.json("/api/queue").getInt("total") == 0;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(10), "the shared queue is empty on every node");
    }

    @Test
    @Order(3)
    void aDomainAndAliasesAddedOnOneNodeWorkOnTheOtherWithinSeconds() throws Exception {
        String domain = "team" + System.nanoTime() + ".example";
        HttpResponse<String> added = a.api("POST", "/api/domains", "{\"name\":\"" + domain.toUpperCase(java.util.Locale.ROOT) + "\"}");
        assertEquals(201, added.statusCode(), added.body());
        assertEquals(409, a.api("POST", "/api/domains", "{\"name\":\"" + domain + "\"}").statusCode(), "once");
        for (String user : List.of("erin", "frank")) {
            HttpResponse<String> created = a.api("POST", "/api/users", "{\"username\":\"" + user + "\",\"email\":\"" + user + "@" + domain
                    + "\",\"password\":\"" + PASSWORD + "\"}");
            assertEquals(201, created.statusCode(), created.body());
        }
        // node B was not told: it reads the directory again within seconds, its SMTP engine included
        TestServer.await(() -> rcpt(b, "erin@" + domain).startsWith("250"), Duration.ofSeconds(10), "node B takes mail for the new domain");
        assertTrue(rcpt(b, "nobody@" + domain).startsWith("550 5.1.1"), "unknown users of it are still refused");

        HttpResponse<String> alias = a.api("POST", "/api/aliases", "{\"address\":\"sales@" + domain + "\",\"targets\":[\"erin@" + domain
                + "\",\"FRANK@" + domain + "\",\"partner@elsewhere.example\"]}");
        assertEquals(201, alias.statusCode(), alias.body());
        TestServer.await(() -> rcpt(b, "sales@" + domain).startsWith("250"), Duration.ofSeconds(10), "node B knows the alias");
        assertTrue(b.send(null, "customer@origin.example", "sales@" + domain, "to-sales").startsWith("250 2.0.0 "));
        assertEquals(1, b.json("/api/users/erin").getJsonObject("statistics").getInt("messages_received"));
        assertEquals(1, b.json("/api/users/frank").getJsonObject("statistics").getInt("messages_received"));
        TestServer.await(() -> !sink.receivedFor("partner@elsewhere.example").isEmpty(), Duration.ofSeconds(30), "the outside target gets it");
        SmtpSink.Received forwarded = sink.receivedFor("partner@elsewhere.example").get(0);
        assertTrue(forwarded.mailFrom().matches("(?i)SRS0=[A-Z2-7]{8}=[A-Z2-7]{2}=origin\\.example=customer@example\\.test"),
                "the envelope sender is rewritten with SRS: " + forwarded.mailFrom());

        // a bounce to the SRS address, taken by the other node, goes back to the original sender
        assertTrue(a.send(null, "", forwarded.mailFrom(), "bounce").startsWith("250 2.0.0 "));
        TestServer.await(() -> !sink.receivedFor("customer@origin.example").isEmpty(), Duration.ofSeconds(30), "the bounce is routed back");
        assertTrue(rcpt(a, "", forwarded.mailFrom().replaceFirst("=customer@", "=mallory@")).startsWith("550 5.1.1"), "a forged SRS address");
        assertTrue(rcpt(a, "someone@origin.example", forwarded.mailFrom()).startsWith("550 5.7.1"),
                "a real SRS address takes bounces only: whoever holds one cannot relay through it");

        assertTrue(b.send(null, "customer@origin.example", "erin+orders@" + domain, "tagged").startsWith("250 2.0.0 "));
        assertEquals(2, b.json("/api/users/erin").getJsonObject("statistics").getInt("messages_received"), "erin+orders@ reaches erin");
        assertEquals(201, a.api("POST", "/api/aliases", "{\"address\":\"*@" + domain + "\",\"targets\":[\"frank@" + domain + "\"]}").statusCode());
        TestServer.await(() -> rcpt(b, "anything@" + domain).startsWith("250"), Duration.ofSeconds(10), "the catch-all");
        assertTrue(b.send(null, "customer@origin.example", "anything@" + domain, "caught").startsWith("250 2.0.0 "));
        assertEquals(2, b.json("/api/users/frank").getJsonObject("statistics").getInt("messages_received"), "sales@, then the catch-all");

        HttpResponse<String> inUse = b.api("DELETE", "/api/domains/" + domain, null);
        assertEquals(409, inUse.statusCode(), inUse.body());
        assertEquals(409, b.api("DELETE", "/api/domains/example.test", null).statusCode(), "a configured domain stays");
        JsonObject shown = b.json("/api/domains/" + domain);
        assertEquals(2, shown.getInt("users"));
        assertEquals(2, shown.getInt("aliases"));
        assertEquals("frank@" + domain, shown.getJsonArray("catch_all").getString(0));
    }

    /** The reply to RCPT TO this address, unauthenticated, on a node's SMTP port. */
    private static String rcpt(Node node, String address) {
        return rcpt(node, "someone@origin.example", address);
    }

    private static String rcpt(Node node, String sender, String address) {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, node.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO cluster.example");
            smtp.command("MAIL FROM:<" + sender + ">");
            return smtp.command("RCPT TO:<" + address + ">");
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    @Order(3)
    void aTripletGreylistedOnOneNodeIsTakenOnTheOtherAfterTheDelay() throws Exception {
        String grace = createUser(b, "grace");
        assertTrue(rcptFrom("127.0.0.9", a, grace).startsWith("451 4.7.1 Greylisted"));
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String reply;
        do {
            Thread.sleep(500);
            reply = rcptFrom("127.0.0.9", b, grace);
        } while (!reply.startsWith("250 ") && System.nanoTime() < deadline);
        assertEquals("250 2.1.5 Ok", reply, "node B knows the triplet node A deferred, and its delay is over");
        assertEquals("250 2.1.5 Ok", rcptFrom("127.0.0.9", a, grace), "and node A knows it passed");
    }

    /**
     * The trace of a message taken on one node is read on the other; a bulk hold made on one node
     * holds the entries queued through both, and a release on the other lets them go.
     */
    @Test
    @Order(3)
    void theTraceAndBulkQueueActionsSpanTheNodes() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean accept = new java.util.concurrent.atomic.AtomicBoolean();
        sink.script(recipient -> recipient.startsWith("slow") ? List.of("451 4.2.0 try again later", "250 2.1.5 Ok")
                : recipient.startsWith("held") && !accept.get() ? List.of("451 4.4.1 not now") : List.of());
        String hattie = createUser(a, "hattie");
        List<String> recipients = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String recipient = "held" + i + "@hold.example";
            recipients.add(recipient);
            String reply = (i % 2 == 0 ? a : b).send("hattie", hattie, recipient, "held-" + i);
            assertTrue(reply.startsWith("250 2.0.0 "), reply);
            ids.add(reply.substring(reply.lastIndexOf(' ') + 1));
        }
        TestServer.await(() -> recipients.stream().allMatch(r -> sink.attempts(r) >= 1), Duration.ofSeconds(20), "each tried once");

        HttpResponse<String> held = b.api("POST", "/api/queue/bulk", "{\"action\":\"hold\",\"filter\":{\"domain\":\"hold.example\"}}");
        assertEquals(200, held.statusCode(), held.body());
        assertTrue(held.body().contains("\"touched\":4"), held.body());
        assertEquals(4, a.json("/api/queue?status=held&domain=hold.example").getInt("total"), "node A sees the hold made on B");

        accept.set(true);
        HttpResponse<String> released = a.api("POST", "/api/queue/bulk", "{\"action\":\"release\",\"filter\":{\"domain\":\"hold.example\"}}");
        assertTrue(released.body().contains("\"touched\":4"), released.body());
        TestServer.await(() -> recipients.stream().allMatch(r -> !sink.receivedFor(r).isEmpty()), Duration.ofSeconds(30),
                "released on A, delivered by either node");

        String takenOnA = ids.get(0);
        TestServer.await(() -> {
            try {
                JsonObject trace = b.json("/api/trace/" + takenOnA);
                return trace.getJsonObject("message").getString("status").equals("delivered");
            } catch (Exception | AssertionError e) {
                return false;
            }
        }, Duration.ofSeconds(20), "node B reads the trace node A wrote, to its delivery");
        JsonObject trace = b.json("/api/trace/" + takenOnA);
        assertEquals("mailforgenodea.example", trace.getJsonObject("message").getString("node"));
        String steps = trace.getJsonArray("steps").toString();
        assertTrue(steps.contains("held by admin") && steps.contains("released by admin"), steps);
        assertTrue(steps.contains("451 4.4.1 not now") && steps.contains("\"outcome\":\"ok\""), steps);
    }

    /** MAIL and RCPT from another loopback address (not exempt from greylisting): the reply to RCPT. */
    private static String rcptFrom(String client, Node node, String recipient) throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, node.smtpPort(), client)) {
            smtp.reply();
            smtp.command("EHLO mta.sender.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<news@sender.example>"));
            return smtp.command("RCPT TO:<" + recipient + ">");
        }
    }

    /**
     * One certificate for the cluster: one node at a time orders (a lease in PostgreSQL), each
     * node's name ends up in it, and both serve the very same certificate.
     */
    @Test
    @Order(3)
    void bothNodesServeTheOneCertificateAcmeGotForTheCluster() throws Exception {
        java.math.BigInteger[] serials = new java.math.BigInteger[2];
        TestServer.await(() -> {
            java.security.cert.X509Certificate onA = AcmeIT.served(a.smtpPort(), "smtp");
            java.security.cert.X509Certificate onB = AcmeIT.served(b.smtpPort(), "smtp");
            if (onA == null || onB == null) {
                return false;
            }
            serials[0] = onA.getSerialNumber();
            serials[1] = onB.getSerialNumber();
            return serials[0].equals(serials[1]) && AcmeIT.dnsNames(onA).containsAll(List.of("mailforgenodea.example", "mailforgenodeb.example"))
                    && onA.getIssuerX500Principal().getName().contains("Pebble");
        }, Duration.ofSeconds(90), "both nodes serve one certificate from Pebble for both names");
        for (Node node : new Node[] {a, b}) {
            JsonObject status = node.json("/api/certificates");
            assertEquals("acme", status.getString("source"), status.toString());
            assertEquals(0, status.getInt("failures"), status.toString());
        }
    }

    @Test
    @Order(4)
    void afterKillMinus9OfOneNodeTheOtherDeliversAndNothingIsLost() throws Exception {
        String carol = createUser(b, "carol");
        String dave = createUser(b, "dave");
        for (int i = 0; i < 5; i++) {
            assertTrue(a.send(null, "someone@example.org", carol, "local-" + i).startsWith("250 2.0.0 "));
        }
        List<String> remote = List.of("slow-late1@remote.example", "slow-late2@remote.example");
        for (String recipient : remote) {
            assertTrue(a.send("dave", dave, recipient, "late").startsWith("250 2.0.0 "));
        }
        TestServer.await(() -> remote.stream().allMatch(r -> sink.attempts(r) == 1), Duration.ofSeconds(20),
                "node A made its first attempts (deferred by the destination)");
        a.server().kill();

        JsonObject user = b.json("/api/users/carol");
        assertEquals(5, user.getJsonObject("statistics").getInt("messages_received"), "every acknowledged message is there");
        TestServer.await(() -> remote.stream().allMatch(r -> !sink.receivedFor(r).isEmpty()), Duration.ofSeconds(120),
                "node B takes over the deliveries node A had queued");
        for (String recipient : remote) {
            assertEquals(1, sink.receivedFor(recipient).size(), recipient + " delivered once");
            assertEquals("mailforgenodeb.example", sink.receivedFor(recipient).get(0).helo(), "delivered by node B, after A died");
        }
        assertTrue(b.send(null, "someone@example.org", carol, "after").startsWith("250 2.0.0 "), "node B keeps taking mail");
    }
}
