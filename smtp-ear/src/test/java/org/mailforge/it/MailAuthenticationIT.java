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

    private static TestDnsServer dns;
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
                .txt("_dmarc.quarantine.example", "v=DMARC1; p=quarantine");
        for (String domain : List.of("sender.example", "quarantine.example", "nodmarc.example")) {
            zone.txt(domain, "v=spf1 ip4:127.0.0.1 -all")
                    .txt("mf._domainkey." + domain, "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded()));
        }
        dns = zone.serve();
        data = TestServer.DATA.resolveSibling("it-data-authentication");
        ExtraServer.deleteTree(data);
        server = new ExtraServer("mailforgeAuthentication", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=authentication-admin-password",
                "SMTP_HOSTNAME=" + HOST_NAME,
                "SMTP_DNS_SERVER=" + dns.address(),
                "SMTP_ENABLE_AUTH=false", // MX mode: mail from other servers without AUTH
                "SMTP_DMARC_POLICY=enforce"));
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
