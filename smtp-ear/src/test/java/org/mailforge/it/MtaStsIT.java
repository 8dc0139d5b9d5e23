package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailforge.infrastructure.outbound.TestDnsServer;

/**
 * MTA-STS (RFC 8461) for outbound mail on a real server: destination domains publish
 * {@code _mta-sts} TXT records on a DNS server on 127.0.0.1, their policies are served over HTTPS
 * on 127.0.0.1 (a certificate made by the JDK's keytool, trusted through SMTP_OUTBOUND_CA_FILE),
 * and the MX host is an SMTP server offering STARTTLS with that certificate. An enforced policy
 * naming the MX delivers over verified TLS; one naming another host, or an MX whose certificate
 * does not carry its name, defers. Policies are cached in the database for every node.
 */
class MtaStsIT {

    private static final int SMTP_PORT = TestPorts.port(3025);
    private static final int FETCH_SECONDS = 5;
    private static final int HTTP_PORT = TestPorts.port(3080);
    private static final int MX_PORT = TestPorts.port(3026);
    private static final int HTTPS_PORT = TestPorts.port(3027);
    private static final String PASSWORD = "Mta-Sts-Pass-123";
    private static final char[] STORE_PASSWORD = "mta-sts-test".toCharArray();

    private static TestDnsServer dns;
    private static SmtpSink mx;
    private static HttpsServer policies;
    private static final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
    private static ExtraServer server;
    private static Path data;
    private static String sender;
    private static String user;

    @BeforeAll
    static void start() throws Exception {
        data = TestServer.DATA.resolveSibling("it-data-mta-sts");
        ExtraServer.deleteTree(data);
        Files.createDirectories(data);
        SSLContext tls = certificate(data, "mx.sts.test", "mta-sts.sts.test", "mta-sts.wrongmx.test", "mta-sts.certname.test",
                "mta-sts.manyheaders.test", "mta-sts.longline.test", "mta-sts.trickle.test");
        policies = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), HTTPS_PORT), 10);
        policies.setHttpsConfigurator(new HttpsConfigurator(tls));
        policies.setExecutor(java.util.concurrent.Executors.newCachedThreadPool()); // a trickling host holds only its own thread
        policies.createContext("/.well-known/mta-sts.txt", exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host").replaceAll(":\\d+$", "");
            fetches.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            if (hostile(host, exchange)) {
                return;
            }
            // wrongmx.test names a host that is not its MX; the others name their own
            String mxPattern = host.equals("mta-sts.wrongmx.test") ? "mx.sts.test" : host.replace("mta-sts.", "mx.");
            byte[] body = ("version: STSv1\r\nmode: enforce\r\nmx: " + mxPattern + "\r\nmax_age: 86400\r\n").getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        policies.start();
        mx = new SmtpSink(MX_PORT, tls);
        TestDnsServer.Zone zone = TestDnsServer.zone();
        for (String domain : List.of("sts.test", "wrongmx.test", "certname.test", "manyheaders.test", "longline.test", "trickle.test")) {
            zone.mx(domain, 10, "mx." + domain).a("mx." + domain, "127.0.0.1")
                    .txt("_mta-sts." + domain, "v=STSv1; id=2026120201;").a("mta-sts." + domain, "127.0.0.1");
        }
        dns = zone.serve();
        server = new ExtraServer("mailforgeMtaSts", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=mta-sts-admin-password",
                "SMTP_DNS_SERVER=" + dns.address(),
                "SMTP_MX_PORT=" + MX_PORT,
                "SMTP_MTA_STS_PORT=" + HTTPS_PORT,
                "SMTP_OUTBOUND_CA_FILE=" + data.resolve("ca.pem"),
                "SMTP_OUTBOUND_ALLOW_PRIVATE=true", // the MX and policy hosts are on 127.0.0.1
                "SMTP_OUTBOUND_TLS=may",
                "SMTP_OUTBOUND_TIMEOUT_SECONDS=10",
                "SMTP_MTA_STS_FETCH_SECONDS=" + FETCH_SECONDS, // the trickling policy host is cut off by this
                "SMTP_QUEUE_RETRY_SCHEDULE=1h"));
        server.start();
        sender = TestServer.uniqueMailbox("example.test");
        user = TestServer.createUser(HTTP_PORT, "mta-sts-admin-password", sender, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (mx != null) {
            mx.close();
        }
        if (policies != null) {
            policies.stop(0);
        }
        if (dns != null) {
            dns.close();
        }
    }

    /**
     * The hostile policy hosts: each answers an enforce policy naming an MX the domain does not
     * use, so a policy taken defers the mail (4.7.5), and one refused lets it go as without a
     * policy. manyheaders sends 60 header fields, longline one of 16 KiB, trickle one octet of
     * its body every 2 s for two minutes.
     */
    private static boolean hostile(String host, com.sun.net.httpserver.HttpExchange exchange) throws java.io.IOException {
        if (!List.of("mta-sts.manyheaders.test", "mta-sts.longline.test", "mta-sts.trickle.test").contains(host)) {
            return false;
        }
        byte[] body = "version: STSv1\r\nmode: enforce\r\nmx: mx.elsewhere.test\r\nmax_age: 86400\r\n".getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        if (host.equals("mta-sts.manyheaders.test")) {
            for (int i = 0; i < 60; i++) {
                exchange.getResponseHeaders().add("X-Filler-" + i, "a");
            }
        } else if (host.equals("mta-sts.longline.test")) {
            exchange.getResponseHeaders().add("X-Filler", "a".repeat(16 * 1024));
        }
        if (!host.equals("mta-sts.trickle.test")) {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            return true;
        }
        exchange.sendResponseHeaders(200, body.length + 60);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
            for (int i = 0; i < 60; i++) {
                out.write('#');
                out.flush();
                Thread.sleep(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            // the client gave up on us: what a bounded fetch does
        }
        return true;
    }

    /**
     * A policy host that sends header fields without end (OutOfMemoryError before) or trickles
     * its answer (a delivery worker held for ever before) has its answer refused within the
     * fetch's limits: the mail goes out as to a domain without a policy, within the attempt.
     */
    @Test
    void aHostilePolicyHostIsCutOffAndTheDeliveryGoesOnWithinItsDeadline() throws Exception {
        List<String> recipients = List.of("friend" + System.nanoTime() + "@manyheaders.test",
                "friend" + System.nanoTime() + "@longline.test", "friend" + System.nanoTime() + "@trickle.test");
        long start = System.nanoTime();
        for (String recipient : recipients) {
            send(recipient);
        }
        for (String recipient : recipients) {
            TestServer.await(() -> !mx.receivedFor(recipient).isEmpty(), Duration.ofSeconds(60),
                    recipient + ": the policy is refused (a policy taken would defer it with 4.7.5)");
        }
        long took = System.nanoTime() - start;
        assertTrue(took >= Duration.ofSeconds(FETCH_SECONDS).toNanos(), "the trickle was followed until the fetch's limit: " + took / 1_000_000 + " ms");
        assertTrue(took < Duration.ofSeconds(60).toNanos(), "within the fetch's " + FETCH_SECONDS + " s, not the trickle's two minutes");
        try (java.sql.Connection db = IndependentReaders.sqlite(data.resolve("smtp.db"));
             java.sql.ResultSet row = db.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM mta_sts_policies WHERE domain IN ('manyheaders.test', 'longline.test', 'trickle.test')")) {
            assertTrue(row.next());
            assertEquals(0, row.getInt(1), "no hostile policy cached");
        }
    }

    /** A key pair and self-signed certificate for these names from the JDK's keytool; its certificate in ca.pem. */
    private static SSLContext certificate(Path folder, String... names) throws Exception {
        Path store = folder.resolve("mta-sts.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        StringBuilder san = new StringBuilder();
        for (String name : names) {
            san.append(san.length() == 0 ? "SAN=" : ",").append("dns:").append(name);
        }
        run(keytool, "-genkeypair", "-alias", "sts", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=" + names[0], "-ext", san.toString(), "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD));
        run(keytool, "-exportcert", "-rfc", "-alias", "sts", "-keystore", store.toString(), "-storepass", new String(STORE_PASSWORD),
                "-file", folder.resolve("ca.pem").toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, STORE_PASSWORD);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, STORE_PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
    }

    private static void send(String recipient) throws Exception {
        String reply = SmtpConnection.submit(SMTP_PORT, user, PASSWORD, sender, recipient, "Subject: policy\r\n\r\nunder MTA-STS");
        assertTrue(reply.startsWith("250 "), reply);
    }

    @Test
    void anEnforcedPolicyNamingTheMxDeliversOverVerifiedTlsAndIsCachedInTheDatabase() throws Exception {
        String recipient = "friend" + System.nanoTime() + "@sts.test";
        send(recipient);
        TestServer.await(() -> !mx.receivedFor(recipient).isEmpty(), Duration.ofSeconds(30), "the MX host gets the message");
        SmtpSink.Received received = mx.receivedFor(recipient).get(0);
        assertTrue(received.tls() != null && received.tls().startsWith("TLSv1."), "over TLS: " + received.tls());
        try (java.sql.Connection db = IndependentReaders.sqlite(data.resolve("smtp.db"));
             java.sql.ResultSet row = db.createStatement().executeQuery(
                     "SELECT policy_id, mode, mx, max_age_seconds FROM mta_sts_policies WHERE domain = 'sts.test'")) {
            assertTrue(row.next(), "the policy is cached for every node");
            assertEquals("2026120201 enforce mx.sts.test 86400", row.getString(1) + " " + row.getString(2) + " "
                    + row.getString(3) + " " + row.getLong(4));
        }
        String again = "again" + System.nanoTime() + "@sts.test";
        send(again);
        TestServer.await(() -> !mx.receivedFor(again).isEmpty(), Duration.ofSeconds(30), "the second message arrives");
        assertEquals(1, fetches.get("mta-sts.sts.test").get(), "the cached policy of the same id is not fetched again");
        assertTrue(TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_mta_sts_total", "result", "enforced")) >= 2);
    }

    @Test
    void anMxThePolicyDoesNotNameOrWhoseCertificateLacksItsNameIsDeferred() throws Exception {
        String wrongMx = "friend" + System.nanoTime() + "@wrongmx.test";
        String badCertificate = "friend" + System.nanoTime() + "@certname.test";
        send(wrongMx);
        send(badCertificate);
        for (String recipient : List.of(wrongMx, badCertificate)) {
            TestServer.await(() -> queueEntry(recipient).contains("4.7.5"), Duration.ofSeconds(30), recipient + " is deferred by MTA-STS");
            assertTrue(queueEntry(recipient).contains("\"status\":\"retry\""), queueEntry(recipient));
        }
        assertTrue(queueEntry(wrongMx).contains("is named by its MTA-STS policy"), queueEntry(wrongMx));
        assertTrue(mx.receivedFor(wrongMx).isEmpty() && mx.receivedFor(badCertificate).isEmpty(), "nothing went out without a policy's blessing");
        assertTrue(TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_mta_sts_total", "result", "deferred")) >= 2);
    }

    /** The queue entry of a recipient as the API lists it (JSON), or "" when there is none. */
    private static String queueEntry(String recipient) {
        try {
            String body = TestServer.api(HTTP_PORT, "GET", "/api/queue?status=retry", null, "admin", "mta-sts-admin-password").body();
            for (jakarta.json.JsonObject entry : jakarta.json.Json.createReader(new java.io.StringReader(body)).readObject()
                    .getJsonArray("messages").getValuesAs(jakarta.json.JsonObject.class)) {
                if (entry.toString().contains(recipient)) {
                    return entry.toString();
                }
            }
            return "";
        } catch (Exception e) {
            return "";
        }
    }
}
