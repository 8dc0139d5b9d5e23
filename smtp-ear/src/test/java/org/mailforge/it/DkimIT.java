package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailforge.testing.Python;

/**
 * DKIM signing on the real server: keys made through {@code /api/domains/{domain}/dkim}, mail
 * relayed through the queue to a receiving SMTP server on 127.0.0.1, and the signature judged by
 * dkimpy (Debian's python3-dkim) against exactly the TXT records {@code GET .../dns} printed.
 */
class DkimIT {

    private static final String DOMAIN = "mail.example.test";
    private static final String PASSWORD = "Dkim-Sender-Pass1";
    private static final int SINK_PORT = Integer.getInteger("it.sink.port", TestPorts.port(2526));

    private static SmtpSink sink;
    private static String sender;
    private static String senderUser;

    @BeforeAll
    static void start() throws Exception {
        sink = new SmtpSink(SINK_PORT);
        sender = TestServer.uniqueMailbox(DOMAIN);
        senderUser = TestServer.createUser(sender, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        for (String selector : List.of("mf2026", "ed2026")) {
            TestServer.asAdmin("DELETE", "/api/domains/" + DOMAIN + "/dkim/" + selector, null);
        }
        sink.close();
    }

    @Test
    void keysSignRelayedMailThatDkimpyVerifiesAgainstThePublishedRecords() throws Exception {
        HttpResponse<String> rsa = TestServer.asAdmin("POST", "/api/domains/" + DOMAIN + "/dkim", "{\"selector\":\"mf2026\"}");
        assertEquals(201, rsa.statusCode(), rsa.body());
        JsonObject rsaKey = json(rsa.body());
        assertEquals("rsa-sha256", rsaKey.getString("algorithm"));
        assertTrue(rsaKey.getBoolean("active"), "a domain's first key signs at once");
        assertFalse(rsa.body().contains("PRIVATE") || rsa.body().contains("private"), "no private key leaves the server");
        try (java.sql.Connection db = IndependentReaders.sqlite(TestServer.DATA.resolve("smtp.db"));
             java.sql.ResultSet row = db.createStatement().executeQuery(
                     "SELECT private_key FROM dkim_keys WHERE domain = '" + DOMAIN + "' AND selector = 'mf2026'")) {
            assertTrue(row.next(), "the key is stored");
            String stored = row.getString(1);
            assertTrue(stored.length() > 1000, "an RSA-2048 PKCS#8 key in base64");
            // from the middle: every RSA-2048 PKCS#8 key begins with the same octets
            assertFalse(rsa.body().contains(stored.substring(100, 164)), "the stored private key is not in the answer");
            assertFalse(TestServer.asAdmin("GET", "/api/domains/" + DOMAIN + "/dkim", null).body().contains(stored.substring(100, 164)));
        }
        assertTrue(Base64.getDecoder().decode(rsaKey.getString("public_key")).length > 256, "an RSA-2048 SubjectPublicKeyInfo");

        HttpResponse<String> again = TestServer.asAdmin("POST", "/api/domains/" + DOMAIN + "/dkim", "{\"selector\":\"mf2026\"}");
        assertEquals(409, again.statusCode(), again.body());
        assertEquals("selector", json(again.body()).getString("field"));

        String signedByRsa = relay("rsa " + System.nanoTime());
        assertTrue(signedByRsa.startsWith("DKIM-Signature:"), signedByRsa);
        assertTrue(unfold(signedByRsa).contains("s=mf2026;") && unfold(signedByRsa).contains("a=rsa-sha256;"), signedByRsa);
        assertEquals("True", dkimpy(signedByRsa, dnsRecords()), signedByRsa);
        assertTrue(opendkim(signedByRsa).contains("dkim=pass (2048-bit key) header.d=" + DOMAIN), "OpenDKIM agrees: " + opendkim(signedByRsa));

        // a second key is published first and signs only once activated
        HttpResponse<String> ed = TestServer.asAdmin("POST", "/api/domains/" + DOMAIN + "/dkim",
                "{\"selector\":\"ed2026\",\"algorithm\":\"ed25519-sha256\"}");
        assertEquals(201, ed.statusCode(), ed.body());
        assertFalse(json(ed.body()).getBoolean("active"));
        assertEquals(32, Base64.getDecoder().decode(json(ed.body()).getString("public_key")).length, "RFC 8463: the bare key");
        assertTrue(unfold(relay("still rsa " + System.nanoTime())).contains("s=mf2026;"));

        HttpResponse<String> activated = TestServer.asAdmin("PATCH", "/api/domains/" + DOMAIN + "/dkim/ed2026", "{\"active\":true}");
        assertEquals(200, activated.statusCode(), activated.body());
        String signedByEd = relay("ed25519 " + System.nanoTime());
        assertTrue(unfold(signedByEd).contains("s=ed2026;") && unfold(signedByEd).contains("a=ed25519-sha256;"), signedByEd);
        assertEquals("True", dkimpy(signedByEd, dnsRecords()), signedByEd);
        assertEquals("False", dkimpy(signedByEd.replace("Dkim test", "Dkim text"), dnsRecords()), "an altered subject fails");
        assertTrue(opendkim(signedByEd).contains("dkim=pass") && opendkim(signedByEd).contains("header.a=ed25519-sha256"),
                "OpenDKIM agrees: " + opendkim(signedByEd));
        assertTrue(opendkim(signedByEd.replace("Dkim test", "Dkim text")).contains("dkim=fail"), "and on the altered one");

        JsonArray keys = Json.createReader(new StringReader(TestServer.asAdmin("GET", "/api/domains/" + DOMAIN + "/dkim", null).body())).readArray();
        assertEquals(List.of("ed2026", "mf2026"), keys.getValuesAs(JsonObject.class).stream().map(k -> k.getString("selector")).toList(),
                "the active key first");

        String zone = TestServer.asAdmin("GET", "/api/domains/" + DOMAIN + "/dns?format=zone", null).body();
        assertTrue(zone.contains("mf2026._domainkey." + DOMAIN + ". 3600 IN TXT ( \"v=DKIM1; k=rsa; p="), zone);
        assertTrue(zone.contains("ed2026._domainkey." + DOMAIN + ". 3600 IN TXT \"v=DKIM1; k=ed25519; p="), zone);
        assertTrue(zone.contains("_dmarc." + DOMAIN + ". 3600 IN TXT \"v=DMARC1; p=none; rua=mailto:postmaster@" + DOMAIN + "\""), zone);

        for (String selector : List.of("ed2026", "mf2026")) {
            assertEquals(200, TestServer.asAdmin("DELETE", "/api/domains/" + DOMAIN + "/dkim/" + selector, null).statusCode());
        }
        assertFalse(relay("unsigned " + System.nanoTime()).contains("DKIM-Signature:"), "no key, no signature");
    }

    /**
     * A stranger's mail in our domain's name, sent without AUTH to an alias that forwards outside
     * (taken here: the test server reports local spoofs instead of refusing them), must not leave
     * with our domain's signature: forwarding passes mail on, it does not vouch for it.
     */
    @Test
    void forwardedMailIsNeverSignedWithTheKeyOfItsFromDomain() throws Exception {
        assertEquals(201, TestServer.asAdmin("POST", "/api/domains/" + DOMAIN + "/dkim", "{\"selector\":\"fw2026\"}").statusCode());
        String alias = "forward" + System.nanoTime() + "@" + DOMAIN;
        String outside = "accountant" + System.nanoTime() + "@remote.test";
        try {
            assertEquals(201, TestServer.asAdmin("POST", "/api/aliases", "{\"address\":\"" + alias + "\",\"targets\":[\"" + outside + "\"]}")
                    .statusCode());
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
                smtp.reply();
                smtp.command("EHLO stranger.example");
                assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<x@stranger.example>"));
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + alias + ">"));
                assertTrue(smtp.command("DATA").startsWith("354"));
                String reply = smtp.command("From: CEO <ceo@" + DOMAIN + ">\r\nTo: <" + alias + ">\r\nSubject: wire\r\n"
                        + "Date: Wed, 02 Dec 2026 10:00:00 +0000\r\nMessage-ID: <" + System.nanoTime() + "@stranger.example>\r\n\r\nPay.\r\n.");
                assertTrue(reply.startsWith("250 "), reply);
            }
            TestServer.await(() -> !sink.receivedFor(outside).isEmpty(), Duration.ofSeconds(20), "the forwarded copy arrives");
            String forwarded = sink.receivedFor(outside).get(0).content();
            assertTrue(forwarded.contains("From: CEO <ceo@" + DOMAIN + ">"), forwarded);
            assertFalse(forwarded.contains("DKIM-Signature:"), "not signed as " + DOMAIN + ": " + forwarded);
            // the same From: from its own user is ours to sign
            assertTrue(relay("vouched " + System.nanoTime()).contains("DKIM-Signature:"), "a user's own mail is still signed");
        } finally {
            TestServer.asAdmin("DELETE", "/api/domains/" + DOMAIN + "/dkim/fw2026", null);
        }
    }

    @Test
    void theMtaStsPolicyTheDnsAnswerAnnouncesIsServedForTheDomainsPolicyHost() throws Exception {
        String zone = TestServer.asAdmin("GET", "/api/domains/" + DOMAIN + "/dns?format=zone", null).body();
        assertTrue(zone.contains("_mta-sts." + DOMAIN + ". 3600 IN TXT \"v=STSv1; id="), zone);
        assertTrue(zone.contains("_smtp._tls." + DOMAIN + ". 3600 IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@" + DOMAIN + "\""), zone);
        String policy = httpGet("mta-sts." + DOMAIN);
        assertTrue(policy.startsWith("HTTP/1.1 200 "), policy);
        assertTrue(policy.toLowerCase(java.util.Locale.ROOT).contains("content-type: text/plain"), policy);
        assertTrue(policy.contains("version: STSv1\r\nmode: testing\r\nmx: "), policy);
        assertTrue(httpGet("mta-sts.not-ours.example").startsWith("HTTP/1.1 404 "), "no policy for a domain that is not local");
    }

    /** GET /.well-known/mta-sts.txt with this Host (which Java's HTTP client will not set): status line, headers, body. */
    private static String httpGet(String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(TestServer.HOST, TestServer.HTTP_PORT)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void badRequestsAreRefusedWithJsonAndChangeNothing() throws Exception {
        String base = "/api/domains/" + DOMAIN + "/dkim";
        HttpResponse<String> badSelector = TestServer.asAdmin("POST", base, "{\"selector\":\"Bad_Selector\"}");
        assertEquals(400, badSelector.statusCode());
        assertEquals("selector", json(badSelector.body()).getString("field"), badSelector.body());
        assertEquals(400, TestServer.asAdmin("POST", base, "{\"selector\":\"x1\",\"algorithm\":\"rsa-sha1\"}").statusCode());
        assertEquals(400, TestServer.asAdmin("POST", base, "{\"selector\":\"x1\",\"bits\":512}").statusCode());
        assertEquals(400, TestServer.asAdmin("POST", base, "{\"selector\":").statusCode());
        assertEquals(404, TestServer.asAdmin("POST", "/api/domains/elsewhere.test/dkim", "{\"selector\":\"x1\"}").statusCode());
        assertEquals(404, TestServer.asAdmin("GET", "/api/domains/elsewhere.test/dns", null).statusCode());
        assertEquals(404, TestServer.asAdmin("DELETE", base + "/nosuch", null).statusCode());
        assertEquals(400, TestServer.asAdmin("GET", "/api/domains/" + DOMAIN + "/dns?format=bind9", null).statusCode());
        assertEquals(403, TestServer.api("GET", base, null, senderUser, PASSWORD).statusCode(), "administrators only");
        assertEquals("[]", TestServer.asAdmin("GET", base, null).body().replace(" ", ""), "nothing was created");
    }

    /** Relays a message from the sender to a remote recipient and returns it as the receiving server got it. */
    private static String relay(String subject) throws Exception {
        String recipient = "friend" + System.nanoTime() + "@remote.test";
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN "
                    + Base64.getEncoder().encodeToString(("\0" + senderUser + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8))));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + ">"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            String reply = smtp.command("From: Sender <" + sender + ">\r\nTo: <" + recipient + ">\r\nSubject: Dkim test " + subject
                    + "\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\nMessage-ID: <" + System.nanoTime() + "@" + DOMAIN + ">\r\n\r\n"
                    + "Signed on the way out.  \r\n\r\n.");
            assertTrue(reply.startsWith("250 "), reply);
        }
        TestServer.await(() -> !sink.receivedFor(recipient).isEmpty(), Duration.ofSeconds(20), "the destination gets the message");
        return sink.receivedFor(recipient).get(0).content();
    }

    /** The TXT records of GET /api/domains/{domain}/dns as a JSON object of name to value. */
    private static String dnsRecords() throws Exception {
        JsonObject dns = json(TestServer.asAdmin("GET", "/api/domains/" + DOMAIN + "/dns", null).body());
        jakarta.json.JsonObjectBuilder byName = Json.createObjectBuilder();
        for (JsonObject record : dns.getJsonArray("records").getValuesAs(JsonObject.class)) {
            if (record.getString("type").equals("TXT")) {
                byName.add(record.getString("name"), record.getString("value"));
            }
        }
        return byName.build().toString();
    }

    /**
     * OpenDKIM's own verdict (the opendkim filter in test mode, Debian's opendkim), its keys read
     * from a file of the _domainkey records the API printed (TestPublicKeys) instead of DNS: the
     * Authentication-Results field it would add, and its log line.
     */
    private static String opendkim(String message) throws Exception {
        String opendkim = ExternalTools.requireCommand("opendkim");
        Path folder = Files.createDirectories(TestServer.DATA.resolveSibling("it-dkim"));
        StringBuilder keys = new StringBuilder();
        JsonObject dns = json(TestServer.asAdmin("GET", "/api/domains/" + DOMAIN + "/dns", null).body());
        for (JsonObject record : dns.getJsonArray("records").getValuesAs(JsonObject.class)) {
            if (record.getString("name").contains("._domainkey.")) {
                keys.append(record.getString("name")).append(' ').append(record.getString("value")).append('\n');
            }
        }
        Path keyFile = Files.writeString(folder.resolve("opendkim-keys"), keys);
        Path conf = Files.writeString(folder.resolve("opendkim.conf"), "TestPublicKeys " + keyFile + "\nMode v\nSyslog no\n");
        Path file = Files.createTempFile(folder, "signed-", ".eml");
        Files.writeString(file, message, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(opendkim, "-x", conf.toString(), "-t", file.toString(), "-vvv").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return output;
    }

    /** dkimpy's verdict on the message, its DNS answered from the records the API printed. */
    private static String dkimpy(String message, String records) throws Exception {
        Path folder = TestServer.DATA.resolveSibling("it-dkim");
        Files.createDirectories(folder);
        Path file = Files.createTempFile(folder, "signed-", ".eml");
        Files.writeString(file, message, StandardCharsets.UTF_8);
        String output = Python.run("dkim", "python3-dkim", String.join("\n",
                "import dkim, json, sys",
                "records = json.loads(sys.argv[2])",
                "def txt(name, timeout=5):",
                "    value = records.get(name.decode().rstrip('.'))",
                "    return value.encode() if value else None",
                "print(dkim.verify(open(sys.argv[1], 'rb').read(), dnsfunc=txt))"), file.toString(), records);
        return output.lines().reduce((a, b) -> b).orElse("");
    }

    private static String unfold(String message) {
        return message.replace("\r\n\t", " ");
    }

    private static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
