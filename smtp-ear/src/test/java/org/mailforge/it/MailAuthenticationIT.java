package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailforge.infrastructure.outbound.TestDnsServer;
import org.mailforge.testing.Python;

/**
 * The sender checks of received mail on a real server with {@code SMTP_DMARC_POLICY=enforce}: SPF,
 * DKIM and DMARC records served by a DNS server on 127.0.0.1, messages signed by dkimpy (Debian's
 * python3-dkim) and sent from 127.0.0.1 (which the SPF records allow) or 127.0.0.2 (which they
 * do not); the stored {@code Authentication-Results:} is read back with python3-authres.
 */
class MailAuthenticationIT {

    private static final int SMTP_PORT = TestPorts.port(2725);
    private static final int HTTP_PORT = TestPorts.port(2780);
    private static final String HOST_NAME = "mx.auth.test";

    private static final int SINK_PORT = TestPorts.port(2726);
    private static final String ADMIN_PASSWORD = "authentication-admin-password";

    private static TestDnsServer dns;
    private static SmtpSink sink;
    private static ExtraServer server;
    private static Path data;
    private static String privateKeyPem;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair key = generator.generateKeyPair();
        privateKeyPem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        TestDnsServer.Zone zone = TestDnsServer.zone()
                .txt("_dmarc.sender.example", "v=DMARC1; p=reject")
                .txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine")
                .refusing(org.xbill.DNS.Type.SPF) // as dnsmasq without upstream: SPF must ask for TXT only (RFC 7208 3.1)
                // a policy jSPF cannot parse, naming a host whose name must never reach our log
                .txt("broken.example", "v=spf1 a:sender-text-in-our-log.example ip4:300.0.0.1 -all")
                // a macro jSPF fails on (its digit transformer overflows an int): it logged SEVERE with a stack trace
                .txt("overflow.example", "v=spf1 a:%{d99999999999}.sender-text-in-our-log.example -all");
        for (String domain : List.of("sender.example", "quarantine.example", "nodmarc.example")) {
            zone.txt(domain, "v=spf1 ip4:127.0.0.1 -all")
                    .txt("mf._domainkey." + domain, "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded()));
        }
        dns = zone.serve();
        data = TestServer.DATA.resolveSibling("it-data-authentication");
        ExtraServer.deleteTree(data);
        sink = new SmtpSink(SINK_PORT);
        server = new ExtraServer("mailforgeAuthentication", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=" + ADMIN_PASSWORD,
                "SMTP_RELAY_HOST=127.0.0.1", // forwarded copies go to the test's sink
                "SMTP_RELAY_PORT=" + SINK_PORT,
                "SMTP_HOSTNAME=" + HOST_NAME,
                "SMTP_OUTBOUND_ADDRESSES=127.0.0.1", // for the domain check's SPF and reverse DNS
                "SMTP_DNS_SERVER=" + dns.address(),
                "SMTP_ENABLE_AUTH=false", // MX mode: mail from other servers without AUTH
                "SMTP_DMARC_POLICY=enforce",
                "SMTP_AUTHSERV_IDS=mx2.auth.test", // a second node's name
                "SMTP_LOCAL_SPOOF_POLICY=reject")); // the default (the test servers' basics say report)
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (dns != null) {
            dns.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    /**
     * The live DNS check of a domain (#35): a zone with the MX, the DKIM key, DMARC and reverse DNS
     * right, an SPF record that leaves our outbound address out and an MTA-STS record with another
     * id, and no TLS-RPT record: exactly SPF and MTA-STS fail, each with the record to publish; a
     * TLSA record of the host name while there is no certificate is a warning.
     */
    @Test
    void theDomainCheckNamesExactlyTheRecordsThatAreWrong() throws Exception {
        assertEquals(201, TestServer.api(HTTP_PORT, "POST", "/api/domains", "{\"name\":\"checked.test\"}", "admin", ADMIN_PASSWORD).statusCode());
        var key = TestServer.api(HTTP_PORT, "POST", "/api/domains/checked.test/dkim", "{\"selector\":\"s1\"}", "admin", ADMIN_PASSWORD);
        assertEquals(201, key.statusCode(), key.body());
        var records = jakarta.json.Json.createReader(new java.io.StringReader(TestServer.api(HTTP_PORT, "GET",
                "/api/domains/checked.test/dns", null, "admin", ADMIN_PASSWORD).body())).readObject().getJsonArray("records");
        String dkimRecord = records.stream().map(jakarta.json.JsonValue::asJsonObject)
                .filter(r -> r.getString("name").equals("s1._domainkey.checked.test")).findFirst().orElseThrow().getString("value");
        dns.add(TestDnsServer.mx("checked.test.", 10, HOST_NAME + "."));
        dns.add(TestDnsServer.a(HOST_NAME + ".", "127.0.0.1"));
        dns.add(TestDnsServer.ptr("1.0.0.127.in-addr.arpa.", HOST_NAME + "."));
        dns.add(TestDnsServer.txt("s1._domainkey.checked.test.", dkimRecord));
        dns.add(TestDnsServer.txt("_dmarc.checked.test.", "v=DMARC1; p=reject"));
        dns.add(TestDnsServer.a("mta-sts.checked.test.", "127.0.0.1"));
        dns.add(TestDnsServer.txt("checked.test.", "v=spf1 ip4:192.0.2.1 -all")); // wrong: mail leaves from 127.0.0.1
        dns.add(TestDnsServer.txt("_mta-sts.checked.test.", "v=STSv1; id=2024010100")); // wrong: not the policy served here
        // DANE for mail to us: a TLSA record at the host name, while this server has no certificate to match it (TLS is off)
        dns.add(new org.xbill.DNS.TLSARecord(org.xbill.DNS.Name.fromString("_25._tcp." + HOST_NAME + "."), org.xbill.DNS.DClass.IN,
                300, 3, 1, 1, new byte[32]));

        var response = TestServer.api(HTTP_PORT, "GET", "/api/domains/checked.test/check", null, "admin", ADMIN_PASSWORD);
        assertEquals(200, response.statusCode(), response.body());
        var check = jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject();
        assertEquals("fail", check.getString("status"), response.body());
        assertEquals(List.of("spf", "mta-sts"), check.getJsonArray("failing").getValuesAs(jakarta.json.JsonString::getString), response.body());
        java.util.Map<String, String> statuses = new java.util.LinkedHashMap<>();
        for (var item : check.getJsonArray("items").getValuesAs(jakarta.json.JsonObject.class)) {
            statuses.merge(item.getString("check"), item.getString("status"), (a, b) -> a + "," + b);
            if (item.getString("status").equals("fail")) {
                assertTrue(item.containsKey("publish") && !item.isNull("publish"), "a failing item says what to publish: " + item);
            }
        }
        assertEquals(java.util.Map.of("mx", "pass", "spf", "fail", "dkim", "pass", "dmarc", "pass", "mta-sts", "fail",
                "tls-rpt", "warning", "ptr", "pass", "certificate", "warning", "tlsa", "warning"), statuses, response.body());
        assertTrue(response.body().contains("SPF does not allow 127.0.0.1 (fail)"), response.body());
        assertEquals(404, TestServer.api(HTTP_PORT, "GET", "/api/domains/elsewhere.test/check", null, "admin", ADMIN_PASSWORD).statusCode());

        // what a domain's owner publishes is hostile text: line breaks and long values shown escaped and cut, never raw
        assertEquals(201, TestServer.api(HTTP_PORT, "POST", "/api/domains", "{\"name\":\"hostile.test\"}", "admin", ADMIN_PASSWORD).statusCode());
        dns.add(TestDnsServer.txt("_dmarc.hostile.test.", "v=DMARC1; p=reject\r\nX-Injected: yes; " + "a".repeat(400)));
        var hostile = jakarta.json.Json.createReader(new java.io.StringReader(TestServer.api(HTTP_PORT, "GET",
                "/api/domains/hostile.test/check", null, "admin", ADMIN_PASSWORD).body())).readObject();
        var dmarc = hostile.getJsonArray("items").getValuesAs(jakarta.json.JsonObject.class).stream()
                .filter(item -> item.getString("check").equals("dmarc")).findFirst().orElseThrow();
        assertEquals("fail", dmarc.getString("status"), "p= is no policy: " + dmarc);
        String shown = dmarc.getString("found");
        assertTrue(!shown.contains("\r") && !shown.contains("\n") && shown.contains("X-Injected"), shown);
        assertTrue(shown.length() < 300, "cut to one line: " + shown.length());
        assertEquals(401, TestServer.api(HTTP_PORT, "GET", "/api/domains/checked.test/check", null, null, null).statusCode());
    }

    @Test
    void signedMailFromAnAllowedHostPassesAllThreeAndTheResultsLeadTheStoredMessage() throws Exception {
        String recipient = "pass" + System.nanoTime() + "@example.test";
        String message = signed("sender.example", recipient, "Figures",
                "Authentication-Results: " + HOST_NAME + "; dmarc=pass header.from=forged.example\r\n");
        assertEquals(250, send("127.0.0.1", "news@sender.example", recipient, message));
        String stored = only(recipient, "new");
        assertTrue(stored.startsWith("Return-Path: <news@sender.example>\r\nAuthentication-Results: " + HOST_NAME + ";"),
                "ours leads the message, after the store's Return-Path: " + stored);
        assertEquals(List.of(HOST_NAME, "spf pass smtp.mailfrom=news@sender.example", "dkim pass header.d=sender.example header.s=mf",
                "dmarc pass header.from=sender.example"), authres(stored));
        assertFalse(stored.contains("forged.example"), "the sender's own Authentication-Results naming us is gone");
    }

    @Test
    void theSameMessageFromAHostSpfExcludesShowsSpfFailAndUnsignedItIsRefused() throws Exception {
        String recipient = "excluded" + System.nanoTime() + "@example.test";
        // still signed: DKIM passes for the From: domain, so DMARC passes and the message is taken
        assertEquals(250, send("127.0.0.2", "news@sender.example", recipient, signed("sender.example", recipient, "Figures", "")));
        assertEquals(List.of(HOST_NAME, "spf fail smtp.mailfrom=news@sender.example", "dkim pass header.d=sender.example header.s=mf",
                "dmarc pass header.from=sender.example"), authres(only(recipient, "new")));
        // the body changed on the way: no aligned pass is left, and p=reject is enforced
        String altered = signed("sender.example", recipient, "Figures", "").replace("The figures are in.", "Pay this invoice.");
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            smtp.command("MAIL FROM:<news@sender.example>");
            smtp.command("RCPT TO:<" + recipient + ">");
            smtp.command("DATA");
            String reply = smtp.command(altered.replace("\r\n.", "\r\n..") + ".");
            assertTrue(reply.startsWith("550 5.7.1 "), reply);
            assertTrue(reply.contains("DMARC policy of sender.example"), reply);
        }
        assertEquals(1, files(recipient, "new").size(), "the refused message was not stored");
        // and the message trace says why, in words (#34: "refused: the sender's domain publishes p=reject ...")
        String[] timeline = new String[1];
        TestServer.await(() -> {
            try {
                var found = TestServer.api(HTTP_PORT, "GET", "/api/trace?status=refused&recipient=" + recipient, null, "admin", ADMIN_PASSWORD);
                var messages = jakarta.json.Json.createReader(new java.io.StringReader(found.body())).readObject().getJsonArray("messages");
                if (messages.size() != 1) {
                    return false;
                }
                timeline[0] = TestServer.api(HTTP_PORT, "GET", "/api/trace/" + messages.getJsonObject(0).getString("id"), null,
                        "admin", ADMIN_PASSWORD).body();
                return true;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, java.time.Duration.ofSeconds(15), "the refusal is in the trace");
        assertTrue(timeline[0].contains("DMARC policy of sender.example") && timeline[0].contains("publishes a DMARC policy the message failed"),
                timeline[0]);
        assertTrue(timeline[0].contains("\"authentication\":\"spf="), "the checks' results are kept with it: " + timeline[0]);
        // an unsigned message with a forged From: from an excluded host, p=quarantine: taken into Junk
        String junk = "junk" + System.nanoTime() + "@example.test";
        assertEquals(250, send("127.0.0.2", "billing@quarantine.example", junk, "From: billing@quarantine.example\r\nTo: " + junk
                + "\r\nSubject: invoice\r\n\r\nPay.\r\n"));
        assertEquals(List.of(HOST_NAME, "spf fail smtp.mailfrom=billing@quarantine.example", "dkim none ",
                "dmarc fail header.from=quarantine.example"), authres(only(junk, ".Junk/new")));
        assertTrue(files(junk, "new").isEmpty(), "not in the inbox");
    }

    @Test
    void aDomainWithoutDmarcIsNoneAndTheResultsAreCounted() throws Exception {
        String recipient = "none" + System.nanoTime() + "@example.test";
        assertEquals(250, send("127.0.0.2", "a@nodmarc.example", recipient, "From: a@nodmarc.example\r\nSubject: hi\r\n\r\nhi\r\n"));
        assertEquals(List.of(HOST_NAME, "spf fail smtp.mailfrom=a@nodmarc.example", "dkim none ", "dmarc none header.from=nodmarc.example"),
                authres(only(recipient, "new")));
        assertTrue(TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_auth_results_total", "method", "dmarc", "result", "none")) >= 1);
        double spfFails = TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_auth_results_total", "method", "spf", "result", "fail"));
        assertEquals(250, send("127.0.0.2", "a@nodmarc.example", recipient, "From: a@nodmarc.example\r\nSubject: hi\r\n\r\nhi\r\n"));
        TestServer.awaitMetric(HTTP_PORT + 1, TestServer.series("smtp_auth_results_total", "method", "spf", "result", "fail"), spfFails + 1);
    }

    /**
     * What senders publish does not write our log: jSPF logs every directive it matches (INFO),
     * every policy it cannot parse (WARNING) and every policy it fails on (SEVERE), the last two
     * with a stack trace, and Liberty's loggers took all three, one a message (#38's profile found
     * it: 5 % of the server's CPU under load). A passing check, a broken policy and one jSPF fails
     * on, then a refusal whose line we wait for: no jSPF line came before it.
     */
    @Test
    void whatSendersPublishNeverWritesOurLog() throws Exception {
        String recipient = "quiet" + System.nanoTime() + "@example.test";
        assertEquals(250, send("127.0.0.1", "a@nodmarc.example", recipient, "From: a@nodmarc.example\r\nSubject: hi\r\n\r\nhi\r\n"));
        assertEquals(250, send("127.0.0.1", "a@broken.example", recipient, "From: a@broken.example\r\nSubject: hi\r\n\r\nhi\r\n"));
        assertEquals(250, send("127.0.0.1", "a@overflow.example", recipient, "From: a@overflow.example\r\nSubject: hi\r\n\r\nhi\r\n"));
        assertEquals(List.of(HOST_NAME, "spf permerror smtp.mailfrom=a@broken.example", "dkim none ", "dmarc none header.from=broken.example"),
                authres(files(recipient, "new").stream().map(MailAuthenticationIT::read).filter(m -> m.contains("a@broken.example"))
                        .findFirst().orElseThrow()));
        Path log = server.log();
        String refusal = "refused, not exactly one From: address";
        int before = read(log).split(refusal, -1).length;
        assertEquals(550, send("127.0.0.2", "a@evil.example", recipient, "Subject: no author\r\n\r\nPay.\r\n"));
        TestServer.await(() -> read(log).split(refusal, -1).length > before, java.time.Duration.ofSeconds(15), "the refusal is logged");
        String written = read(log);
        // a line's logger stands after its thread id; Liberty's own line naming the trace specification is not jSPF's
        assertFalse(java.util.regex.Pattern.compile("(?m)^\\[[^\\]]+\\] \\p{XDigit}+ org\\.apache\\.james\\.jspf\\.").matcher(written).find(),
                "no jSPF line in messages.log");
        assertFalse(written.contains("sender-text-in-our-log"), "nothing a sender published");
    }

    /** RFC 7489 6.6.1: a message whose author DMARC cannot tell is not taken under enforce; a second From: was the way around p=reject. */
    @Test
    void aMessageWithoutExactlyOneFromAddressIsRefusedUnderEnforce() throws Exception {
        String recipient = "froms" + System.nanoTime() + "@example.test";
        for (String headers : List.of("From: service@sender.example\r\nFrom: a@evil.example\r\n",
                "From: service@sender.example, a@evil.example\r\n", "Subject: no author\r\n", "From: not an address\r\n")) {
            assertEquals(550, send("127.0.0.2", "a@evil.example", recipient, headers + "Subject: x\r\n\r\nPay.\r\n"), headers);
        }
        assertTrue(files(recipient, "new").isEmpty() && files(recipient, ".Junk/new").isEmpty(), "nothing stored");
    }

    /** RFC 8601 5: an Authentication-Results naming us (or another node) is removed however its authserv-id is written. */
    @Test
    void forgedAuthenticationResultsNamingUsAreRemovedHoweverWritten() throws Exception {
        String recipient = "forged" + System.nanoTime() + "@example.test";
        String forged = "";
        for (String id : List.of("(x;) " + HOST_NAME, "\"" + HOST_NAME + "\"", "(\\() " + HOST_NAME, "MX2.auth.test")) {
            forged += "Authentication-Results: " + id + "; dkim=pass header.d=paypal.example; dmarc=pass header.from=paypal.example\r\n";
        }
        assertEquals(250, send("127.0.0.1", "news@sender.example", recipient, signed("sender.example", recipient, "Figures", forged)));
        String stored = only(recipient, "new");
        assertFalse(stored.contains("paypal.example"), "every forged field is gone: " + stored);
        assertEquals(1, stored.split("Authentication-Results:", -1).length - 1, "ours alone: " + stored);
    }

    /** Unauthenticated mail in the name of a local domain, unsigned by it: a spoof of our own domain, refused. */
    @Test
    void unauthenticatedMailInTheNameOfALocalDomainIsRefused() throws Exception {
        String recipient = "spoofed" + System.nanoTime() + "@example.test";
        assertEquals(550, send("127.0.0.1", "x@sender.example", recipient, "From: CEO <ceo@example.test>\r\nSubject: wire\r\n\r\nPay.\r\n"));
        assertTrue(files(recipient, "new").isEmpty() && files(recipient, ".Junk/new").isEmpty(), "nothing stored");
        assertTrue(TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_local_spoof_total", "action", "rejected")) >= 1);
    }

    /**
     * An alias's copy to an outside address carries the results found here in an ARC set sealed by
     * the alias domain (RFC 8617), which dkimpy's arc_verify accepts against the key record the
     * API prints; it is never signed with the key of its From: domain.
     */
    @Test
    void aForwardedCopyCarriesAnArcSetThatDkimpyVerifies() throws Exception {
        var key = TestServer.api(HTTP_PORT, "POST", "/api/domains/example.test/dkim", "{\"selector\":\"arc1\"}", "admin", ADMIN_PASSWORD);
        assertEquals(201, key.statusCode(), key.body());
        String alias = "sales" + System.nanoTime() + "@example.test";
        String outside = "accountant" + System.nanoTime() + "@remote.test";
        assertEquals(201, TestServer.api(HTTP_PORT, "POST", "/api/aliases", "{\"address\":\"" + alias + "\",\"targets\":[\"" + outside
                + "\"]}", "admin", ADMIN_PASSWORD).statusCode());
        assertEquals(250, send("127.0.0.1", "news@sender.example", alias, signed("sender.example", alias, "Figures", "")));
        TestServer.await(() -> !sink.receivedFor(outside).isEmpty(), java.time.Duration.ofSeconds(30), "the forwarded copy arrives");
        String forwarded = sink.receivedFor(outside).get(0).content();
        assertTrue(forwarded.startsWith("ARC-Seal: i=1; "), forwarded);
        assertTrue(forwarded.contains("ARC-Authentication-Results: i=1; " + HOST_NAME + ";"), forwarded);
        assertTrue(forwarded.replace("\r\n\t", " ").replace("\r\n ", " ").lines()
                .noneMatch(line -> line.regionMatches(true, 0, "DKIM-Signature:", 0, 15) && line.contains("d=example.test;")),
                "no DKIM signature as example.test, the From: domain is not ours to sign: " + forwarded);
        String record = "";
        String zone = TestServer.api(HTTP_PORT, "GET", "/api/domains/example.test/dns?format=zone", null, "admin", ADMIN_PASSWORD).body();
        for (String line : zone.split("\n")) {
            if (line.startsWith("arc1._domainkey.example.test.")) {
                record = line.substring(line.indexOf('(') >= 0 ? line.indexOf('(') : line.indexOf('"'), line.indexOf(" ;"))
                        .replaceAll("[()\"]", "").replaceAll("\\s+", "");
            }
        }
        assertTrue(record.startsWith("v=DKIM1;k=rsa;p="), zone);
        Path file = Files.createTempFile(data, "forwarded", ".eml");
        Files.writeString(file, forwarded, StandardCharsets.UTF_8);
        String verdict = Python.run("dkim", "python3-dkim", String.join("\n",
                "import dkim, sys",
                "def txt(name, timeout=5):",
                "    return sys.argv[2].encode() if name.decode().rstrip('.') == 'arc1._domainkey.example.test' else None",
                "cv, results, reason = dkim.arc_verify(open(sys.argv[1], 'rb').read(), dnsfunc=txt)",
                "print(cv.decode(), reason)"), file.toString(), record);
        assertTrue(verdict.lines().reduce((a, b) -> b).orElse("").startsWith("pass"), "dkimpy's arc_verify: " + verdict);
    }

    /** Sends one message from a local address; returns the reply code to the end of data. */
    private static int send(String from, String sender, String recipient, String message) throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, from)) {
            smtp.reply();
            smtp.command("EHLO client.example");
            String mail = smtp.command("MAIL FROM:<" + sender + ">");
            assertTrue(mail.startsWith("250"), mail);
            String rcpt = smtp.command("RCPT TO:<" + recipient + ">");
            assertTrue(rcpt.startsWith("250"), rcpt);
            smtp.command("DATA");
            return Integer.parseInt(smtp.command(message.replace("\r\n.", "\r\n..") + ".").substring(0, 3));
        }
    }

    /** The message, signed by dkimpy with selector mf of the domain; extra header lines go above the signature. */
    private static String signed(String domain, String recipient, String subject, String above) throws Exception {
        String message = "From: News <news@" + domain + ">\r\nTo: " + recipient + "\r\nSubject: " + subject
                + "\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\nMessage-ID: <" + System.nanoTime() + "@" + domain + ">\r\n\r\n"
                + "The figures are in.\r\n";
        Path file = Files.createTempFile(data, "message", ".eml");
        Files.writeString(file, message, StandardCharsets.US_ASCII);
        String signature = Python.run("dkim", "python3-dkim", String.join("\n",
                "import dkim, sys",
                "message = open(sys.argv[1], 'rb').read()",
                "sys.stdout.write(dkim.sign(message, b'mf', sys.argv[2].encode(), sys.argv[3].encode()).decode())"),
                file.toString(), domain, privateKeyPem).replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n";
        return above + signature + message;
    }

    /** authserv-id, then "method result properties" of each result, as python3-authres reads the first field. */
    private static List<String> authres(String stored) throws Exception {
        int start = stored.indexOf("Authentication-Results:");
        String field = stored.substring(start, stored.indexOf("\r\n", stored.indexOf("dmarc=", start)));
        return Python.run("authres", "python3-authres", String.join("\n",
                "import authres, sys",
                "field = authres.AuthenticationResultsHeader.parse(sys.argv[1])",
                "print(field.authserv_id)",
                "for r in field.results:",
                "    print(r.method, r.result, ' '.join(p.type + '.' + p.name + '=' + p.value for p in r.properties",
                "          if p.name not in ('a', 'b')))"), field).lines().toList();
    }

    private static String only(String recipient, String folder) throws Exception {
        List<Path> files = files(recipient, folder);
        assertEquals(1, files.size(), recipient + " " + folder);
        return Files.readString(files.get(0), StandardCharsets.ISO_8859_1);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Path> files(String recipient, String folder) throws Exception {
        Path path = data.resolve("mail").resolve(recipient).resolve(folder);
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(path)) {
            return list.toList();
        }
    }
}
