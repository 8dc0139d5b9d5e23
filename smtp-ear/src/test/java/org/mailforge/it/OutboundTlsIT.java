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
 * The TLS of outbound mail on a real server: MTA-STS (RFC 8461) and DANE (RFC 7672).
 *
 * <p>MTA-STS: destination domains publish {@code _mta-sts} TXT records on a DNS server on
 * 127.0.0.1, their policies are served over HTTPS on 127.0.0.1 (a certificate made by the JDK's
 * keytool, trusted through SMTP_OUTBOUND_CA_FILE), and the MX host is an SMTP server offering
 * STARTTLS with that certificate. An enforced policy naming the MX delivers over verified TLS;
 * one naming another host, or an MX whose certificate does not carry its name, defers. Policies
 * are cached in the database for every node.
 *
 * <p>DANE: the server asks every delivery question of {@code unbound}, a validating resolver on
 * 127.0.0.1 (SMTP_DANE_RESOLVER) that trusts the zone {@code dane.test}, signed here with
 * ldns-signzone; the MTA-STS domains above reach it unsigned. A TLSA record matching the MX
 * host's certificate delivers, a mismatching one defers with {@code 4.7.5}, a forged (badly
 * signed) one too, a DANE-TA record validates an openssl-made chain from its CA, and a mismatching
 * TLSA record in an unsigned zone counts for nothing.
 */
class OutboundTlsIT {

    private static final int SMTP_PORT = TestPorts.port(3025);
    private static final int FETCH_SECONDS = 5;
    private static final int HTTP_PORT = TestPorts.port(3080);
    private static final int MX_PORT = TestPorts.port(3026);
    private static final int HTTPS_PORT = TestPorts.port(3027);
    private static final String PASSWORD = "Mta-Sts-Pass-123";
    private static final char[] STORE_PASSWORD = "mta-sts-test".toCharArray();

    private static final int RESOLVER_PORT = TestPorts.port(3053);
    private static final String ADMIN_PASSWORD = "mta-sts-admin-password";
    /** A report address whose MX refuses it for good: it gets one report, and no more. */
    private static final String BOUNCING_RUA = "gone@reports.test";

    private static TestDnsServer dns;
    private static Unbound resolver;
    private static SmtpSink mx;
    /** The MX host of ta.dane.test on 127.0.0.3: a certificate for its name, issued by a CA its TLSA record names. */
    private static SmtpSink anchoredMx;
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
                "mta-sts.manyheaders.test", "mta-sts.longline.test", "mta-sts.trickle.test", "mta-sts.ee.dane.test");
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
        mx.script(recipient -> recipient.equals(BOUNCING_RUA) ? List.of("550 5.1.1 no such mailbox") : List.of());
        anchoredMx = new SmtpSink(InetAddress.getByName("127.0.0.3"), MX_PORT, issuedByTestCa(data.resolve("ta"), "mx-ta.dane.test"));
        // the destinations' zones are served by the validating resolver: the MTA-STS domains unsigned, dane.test signed
        Map<String, String> unsigned = new java.util.LinkedHashMap<>();
        for (String domain : List.of("sts.test", "wrongmx.test", "certname.test", "manyheaders.test", "longline.test", "trickle.test")) {
            unsigned.put(domain, "@ IN MX 10 mx\nmx IN A 127.0.0.1\n_mta-sts IN TXT \"v=STSv1; id=2026120201;\"\nmta-sts IN A 127.0.0.1\n");
        }
        // a TLSA record nothing matches, unsigned, so it must count for nothing: were it followed, mail to sts.test would wait
        unsigned.merge("sts.test", "_" + MX_PORT + "._tcp.mx IN TLSA 3 1 1 " + "00".repeat(32) + "\n", String::concat);
        unsigned.put("reports.test", "@ IN MX 10 mx\nmx IN A 127.0.0.1\n");
        // SMTP_DNS_SERVER: the checks of received mail, and the TLS-RPT records (asked as the domain check asks them)
        dns = TestDnsServer.zone()
                .txt("_smtp._tls.sts.test", "v=TLSRPTv1; rua=mailto:tlsrpt@reports.test,https://reports.test/ignored")
                .txt("_smtp._tls.bad.dane.test", "v=TLSRPTv1;rua=mailto:tlsrpt@reports.test")
                .txt("_smtp._tls.wrongmx.test", "v=TLSRPTv1; rua=mailto:" + BOUNCING_RUA)
                .serve();
        String eeDigest = sha256Hex(publicKeyOf(data.resolve("ca.pem")));
        String taDigest = sha256Hex(certificateOf(data.resolve("ta/ca.pem")).getEncoded());
        String tlsa = "._tcp.";
        resolver = new Unbound(data.resolve("unbound"), RESOLVER_PORT, "dane.test", String.join("\n",
                "ee IN MX 10 mx-ee.dane.test.", "mx-ee IN A 127.0.0.1", "_" + MX_PORT + tlsa + "mx-ee IN TLSA 3 1 1 " + eeDigest,
                // an MTA-STS policy that would defer the mail (it names mx.ee.dane.test): DANE goes first, it is never fetched
                "_mta-sts.ee IN TXT \"v=STSv1; id=1;\"", "mta-sts.ee IN A 127.0.0.1",
                "bad IN MX 10 mx-bad.dane.test.", "mx-bad IN A 127.0.0.1", "_" + MX_PORT + tlsa + "mx-bad IN TLSA 3 1 1 " + "ee".repeat(32),
                "ta IN MX 10 mx-ta.dane.test.", "mx-ta IN A 127.0.0.3", "_" + MX_PORT + tlsa + "mx-ta IN TLSA 2 0 1 " + taDigest,
                "bogus IN MX 10 mx-bogus.dane.test.", "mx-bogus IN A 127.0.0.1",
                "_" + MX_PORT + tlsa + "mx-bogus IN TLSA 3 1 1 " + "31415926" + eeDigest.substring(8),
                // PKIX-EE(1) is not used by SMTP: TLS is required, any certificate will do
                "pkix IN MX 10 mx-pkix.dane.test.", "mx-pkix IN A 127.0.0.1", "_" + MX_PORT + tlsa + "mx-pkix IN TLSA 1 1 1 " + "11".repeat(32),
                ""), new String[] {"31415926", "27182818"}, unsigned);
        server = new ExtraServer("mailforgeMtaSts", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=" + ADMIN_PASSWORD,
                "SMTP_DNS_SERVER=" + dns.address(),
                "SMTP_DANE_RESOLVER=" + resolver.address(),
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
        user = TestServer.createUser(HTTP_PORT, ADMIN_PASSWORD, sender, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (mx != null) {
            mx.close();
        }
        if (anchoredMx != null) {
            anchoredMx.close();
        }
        if (resolver != null) {
            resolver.close();
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
        runIn(folder, keytool, "-genkeypair", "-alias", "sts", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=" + names[0], "-ext", san.toString(), "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD));
        runIn(folder, keytool, "-exportcert", "-rfc", "-alias", "sts", "-keystore", store.toString(), "-storepass", new String(STORE_PASSWORD),
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
            String body = TestServer.api(HTTP_PORT, "GET", "/api/queue?status=retry", null, "admin", ADMIN_PASSWORD).body();
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

    /**
     * DANE-EE: the MX host's key is the one its validated TLSA record names; the mail goes over
     * TLS (the certificate's names do not matter), the trace says which record matched, and the
     * domain's MTA-STS policy, which would have deferred it, is not even fetched.
     */
    @Test
    void aMatchingTlsaRecordDeliversAheadOfMtaSts() throws Exception {
        String recipient = "friend" + System.nanoTime() + "@ee.dane.test";
        send(recipient);
        TestServer.await(() -> !mx.receivedFor(recipient).isEmpty(), Duration.ofSeconds(30), "the MX host gets the message");
        assertTrue(mx.receivedFor(recipient).get(0).tls().startsWith("TLSv1."), "over TLS");
        String matched = "DANE-EE 3 1 1 " + publicKeyDigest().substring(0, 26).toUpperCase(java.util.Locale.ROOT);
        awaitTrace(recipient, matched);
        assertEquals(null, fetches.get("mta-sts.ee.dane.test"), "DANE goes first: the MTA-STS policy is not fetched");
        assertTrue(TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_dane_total", "result", "verified")) >= 1);
    }

    /**
     * A validated TLSA record the certificate does not match, and one whose signature was spoiled
     * (the resolver answers SERVFAIL, as to a forged answer): the mail waits with 4.7.5, and never
     * goes out unverified.
     */
    @Test
    void aMismatchingOrForgedTlsaRecordDefersTheMail() throws Exception {
        String mismatch = "friend" + System.nanoTime() + "@bad.dane.test";
        String forged = "friend" + System.nanoTime() + "@bogus.dane.test";
        send(mismatch);
        send(forged);
        for (String recipient : List.of(mismatch, forged)) {
            TestServer.await(() -> queueEntry(recipient).contains("4.7.5"), Duration.ofSeconds(30), recipient + " is deferred by DANE");
            assertTrue(queueEntry(recipient).contains("\"status\":\"retry\""), queueEntry(recipient));
        }
        assertTrue(queueEntry(mismatch).contains("matches none of its TLSA records"), queueEntry(mismatch));
        assertTrue(queueEntry(forged).contains("TLSA lookup of _" + MX_PORT + "._tcp.mx-bogus.dane.test failed"), queueEntry(forged));
        assertTrue(mx.receivedFor(mismatch).isEmpty() && mx.receivedFor(forged).isEmpty(), "nothing went out unverified");
        assertTrue(TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_dane_total", "result", "deferred")) >= 2);
    }

    /**
     * DANE-TA: the record names the CA; the MX host on 127.0.0.3 shows a chain from it for its
     * name and gets the mail. A PKIX-EE record, which SMTP does not use, still requires TLS.
     */
    @Test
    void aTrustAnchorRecordValidatesTheChainAndAnUnusableOneStillRequiresTls() throws Exception {
        String anchored = "friend" + System.nanoTime() + "@ta.dane.test";
        String unusable = "friend" + System.nanoTime() + "@pkix.dane.test";
        send(anchored);
        send(unusable);
        TestServer.await(() -> !anchoredMx.receivedFor(anchored).isEmpty(), Duration.ofSeconds(30), "the anchored MX host gets the message");
        awaitTrace(anchored, "DANE-TA 2 0 1 " + sha256Hex(certificateOf(data.resolve("ta/ca.pem")).getEncoded()).substring(0, 26)
                .toUpperCase(java.util.Locale.ROOT));
        TestServer.await(() -> !mx.receivedFor(unusable).isEmpty(), Duration.ofSeconds(30), "the unusable record's host gets the message");
        assertTrue(mx.receivedFor(unusable).get(0).tls().startsWith("TLSv1."), "over TLS");
        awaitTrace(unusable, "TLSA records, none usable");
    }

    /** Waits until the message's trace (its attempts with their routes) says this. */
    private static void awaitTrace(String recipient, String text) throws Exception {
        TestServer.await(() -> {
            try {
                return trace(recipient).contains(text);
            } catch (Exception | AssertionError e) {
                return false;
            }
        }, Duration.ofSeconds(20), "the trace of " + recipient + " says " + text);
    }

    /** The message's trace, its delivery attempts with their routes. */
    private static String trace(String recipient) throws Exception {
        String list = TestServer.api(HTTP_PORT, "GET", "/api/trace?recipient=" + recipient, null, "admin", ADMIN_PASSWORD).body();
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":\"([A-Z0-9]+)\"").matcher(list);
        assertTrue(id.find(), list);
        return TestServer.api(HTTP_PORT, "GET", "/api/trace/" + id.group(1), null, "admin", ADMIN_PASSWORD).body();
    }

    private static String publicKeyDigest() throws Exception {
        return sha256Hex(publicKeyOf(data.resolve("ca.pem")));
    }

    private static java.security.cert.X509Certificate certificateOf(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static byte[] publicKeyOf(Path pem) throws Exception {
        return certificateOf(pem).getPublicKey().getEncoded();
    }

    private static String sha256Hex(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** A CA and a certificate it issues for the name, made with openssl; TLS presenting both (the chain DANE-TA needs). */
    private static SSLContext issuedByTestCa(Path folder, String name) throws Exception {
        Files.createDirectories(folder);
        String openssl = ExternalTools.requireCommand("openssl");
        runIn(folder, openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Mailforge test DANE-TA CA");
        runIn(folder, openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "mx.key", "-out", "mx.csr", "-subj", "/CN=" + name);
        Files.writeString(folder.resolve("san.cnf"), "subjectAltName=DNS:" + name + "\n");
        runIn(folder, openssl, "x509", "-req", "-in", "mx.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "mx.pem",
                "-days", "2", "-extfile", "san.cnf");
        runIn(folder, openssl, "pkcs12", "-export", "-in", "mx.pem", "-inkey", "mx.key", "-certfile", "ca.pem", "-out", "mx.p12",
                "-passout", "pass:" + new String(STORE_PASSWORD));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(folder.resolve("mx.p12"))) {
            keys.load(in, STORE_PASSWORD);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, STORE_PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    private static void runIn(Path folder, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }

    /**
     * TLS reporting (RFC 8460): the day's report of each destination domain goes to the
     * {@code mailto:} address of its {@code _smtp._tls} record, gzipped JSON that an independent
     * reader (Python's email, gzip and jsonschema, against RFC 8460 4 as a schema) accepts: an
     * MTA-STS domain's successful sessions under its policy, a DANE domain's mismatching TLSA
     * record as {@code tlsa-invalid}. An address whose MX refused the report for good gets no
     * further report.
     */
    @Test
    void theDailyTlsReportReachesTheDomainsAddressAndAnAddressThatBouncedGetsNoMore() throws Exception {
        String delivered = "report" + System.nanoTime() + "@sts.test";
        String mismatch = "report" + System.nanoTime() + "@bad.dane.test";
        String unnamed = "report" + System.nanoTime() + "@wrongmx.test";
        send(delivered);
        TestServer.await(() -> !mx.receivedFor(delivered).isEmpty(), Duration.ofSeconds(30), "the MX host gets the message");
        send(mismatch);
        send(unnamed);
        TestServer.await(() -> queueEntry(mismatch).contains("4.7.5") && queueEntry(unnamed).contains("4.7.5"), Duration.ofSeconds(30),
                "the DANE and MTA-STS failures are deferred");
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        var preview = TestServer.api(HTTP_PORT, "GET", "/api/tls-reports/" + today + "/sts.test", null, "admin", ADMIN_PASSWORD);
        assertEquals(200, preview.statusCode(), preview.body());
        assertTrue(preview.body().contains("\"policy-type\":\"sts\""), preview.body());
        assertEquals(400, TestServer.api(HTTP_PORT, "POST", "/api/tls-reports/1999-01-01/send", null, "admin", ADMIN_PASSWORD).statusCode());
        assertEquals(401, TestServer.api(HTTP_PORT, "POST", "/api/tls-reports/" + today + "/send", null, null, null).statusCode());

        var sent = TestServer.api(HTTP_PORT, "POST", "/api/tls-reports/" + today + "/send", null, "admin", ADMIN_PASSWORD);
        assertEquals(200, sent.statusCode(), sent.body());
        assertTrue(sent.body().contains("{\"domain\":\"sts.test\",\"sent_to\":[\"tlsrpt@reports.test\"]"), sent.body());
        TestServer.await(() -> mx.receivedFor("tlsrpt@reports.test").size() >= 2, Duration.ofSeconds(30), "two reports reach the rua");
        Map<String, jakarta.json.JsonObject> reports = new java.util.HashMap<>();
        for (SmtpSink.Received report : mx.receivedFor("tlsrpt@reports.test")) {
            assertEquals("", report.mailFrom(), "reports leave with the null sender");
            jakarta.json.JsonObject json = readReport(report.content());
            reports.put(json.getJsonArray("policies").getJsonObject(0).getJsonObject("policy").getString("policy-domain"), json);
        }
        jakarta.json.JsonObject sts = reports.get("sts.test").getJsonArray("policies").getJsonObject(0);
        assertEquals("sts", sts.getJsonObject("policy").getString("policy-type"), sts.toString());
        assertTrue(sts.getJsonObject("policy").getJsonArray("policy-string").toString().contains("mode: enforce"), sts.toString());
        assertEquals("[\"mx.sts.test\"]", sts.getJsonObject("policy").getJsonArray("mx-host").toString());
        assertTrue(sts.getJsonObject("summary").getInt("total-successful-session-count") >= 1, sts.toString());
        jakarta.json.JsonObject tlsa = reports.get("bad.dane.test").getJsonArray("policies").getJsonObject(0);
        assertEquals("tlsa", tlsa.getJsonObject("policy").getString("policy-type"), tlsa.toString());
        jakarta.json.JsonObject failure = tlsa.getJsonArray("failure-details").getJsonObject(0);
        assertEquals("tlsa-invalid mx-bad.dane.test 127.0.0.1", failure.getString("result-type") + " "
                + failure.getString("receiving-mx-hostname") + " " + failure.getString("receiving-ip"), failure.toString());

        // the report to wrongmx.test's address is refused for good; the next day's is not sent there
        TestServer.await(() -> failedEntryFor(BOUNCING_RUA), Duration.ofSeconds(30), "the report to " + BOUNCING_RUA + " fails");
        String yesterday = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        try (java.sql.Connection db = IndependentReaders.sqlite(data.resolve("smtp.db"));
             java.sql.PreparedStatement insert = db.prepareStatement("INSERT INTO tls_report_counts (day, policy_domain, kind, policy_type,"
                     + " policy_strings, policy_mx, mx_host, sending_ip, receiving_ip, result_type, detail, sessions)"
                     + " VALUES (?, 'wrongmx.test', ?, 'no-policy-found', '', '', 'mx.wrongmx.test', '127.0.0.1', '127.0.0.1', '', '', 3)")) {
            insert.setString(1, yesterday);
            insert.setString(2, "0".repeat(64));
            insert.executeUpdate();
        }
        var again = TestServer.api(HTTP_PORT, "POST", "/api/tls-reports/" + yesterday + "/send", null, "admin", ADMIN_PASSWORD);
        assertTrue(again.body().contains("\"sent_to\":[],\"reason\":\"" + BOUNCING_RUA + ": a report bounced from it before\""), again.body());
        assertEquals(1, mx.attempts(BOUNCING_RUA), "one report was refused, no other was tried");
    }

    private static boolean failedEntryFor(String address) {
        try {
            return TestServer.api(HTTP_PORT, "GET", "/api/queue?status=failed", null, "admin", ADMIN_PASSWORD).body().contains(address);
        } catch (Exception e) {
            return false;
        }
    }

    /** The report in a message, read by Python's email and gzip and judged by jsonschema against RFC 8460 4. */
    private static jakarta.json.JsonObject readReport(String message) throws Exception {
        String python = ExternalTools.requirePython("jsonschema");
        Path schema = Path.of("src/test/resources/tlsrpt-report.schema.json").toAbsolutePath();
        String script = String.join("\n",
                "import email, email.policy, gzip, json, re, sys, jsonschema",
                "message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)",
                "assert message.get_content_type() == 'multipart/report', message.get_content_type()",
                "assert message.get_param('report-type') == 'tlsrpt', message.get_param('report-type')",
                "assert message['TLS-Report-Domain'] and message['TLS-Report-Submitter'], 'RFC 8460 5.3 header fields'",
                "assert message['Subject'].startswith('Report Domain: ' + message['TLS-Report-Domain'] + ' Submitter: '), message['Subject']",
                "parts = [p for p in message.iter_attachments() if p.get_content_type() == 'application/tlsrpt+gzip']",
                "assert len(parts) == 1, [p.get_content_type() for p in message.iter_parts()]",
                "name = parts[0].get_filename()",
                "assert re.fullmatch(r'[^!]+![^!]+!\\d+!\\d+![^!]+\\.json\\.gz', name), name",
                "report = json.loads(gzip.decompress(parts[0].get_content()))",
                "jsonschema.validate(report, json.load(open(sys.argv[1])), format_checker=jsonschema.FormatChecker())",
                "json.dump(report, sys.stdout)", "");
        Process process = new ProcessBuilder(python, "-c", script, schema.toString()).redirectErrorStream(false).start();
        process.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "the report is refused: " + errors);
        return jakarta.json.Json.createReader(new java.io.StringReader(output)).readObject();
    }
}
