package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

/** Mail through the real server: real clients in, maildir files out. */
class SmtpDeliveryIT {

    @Test
    void jakartaMailMessageLandsInMaildir() throws Exception {
        String rcpt = TestServer.uniqueMailbox("example.test");
        Session session = TestServer.mailSession("mail.smtp.localhost", "it-client.example");
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("sender@example.org"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
        message.setSubject("Grüße from Jakarta Mail", "UTF-8");
        message.setText("Hello from the integration test.\n.\nA line with only a dot above.\n", "UTF-8");
        Transport.send(message);

        List<Path> files = TestServer.delivered(rcpt);
        assertEquals(1, files.size(), "one file in new/");
        assertTrue(files.get(0).getFileName().toString().matches("\\d+\\.M\\d+P\\d+\\.[^/:]+"), files.get(0).toString());
        MimeMessage stored = new MimeMessage(session, Files.newInputStream(files.get(0)));
        assertEquals("Grüße from Jakarta Mail", stored.getSubject());
        assertEquals("<sender@example.org>", stored.getHeader("Return-Path")[0]);
        assertTrue(stored.getHeader("Received")[0].contains("from it-client.example (unknown [127.0.0.1])"));
        String body = ((String) stored.getContent()).replace("\r\n", "\n");
        assertEquals("Hello from the integration test.\n.\nA line with only a dot above.\n", body);
    }

    @Test
    void rawBytesComeBackExactlyButForTraceHeaders() throws Exception {
        String rcpt = TestServer.uniqueMailbox("mail.example.test");
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        original.writeBytes("From: a@example.org\r\nSubject: bytes\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        original.writeBytes(".starts with a dot\r\n..two dots\r\n".getBytes(StandardCharsets.US_ASCII));
        original.writeBytes(new byte[] {(byte) 0xc3, (byte) 0xa9, (byte) 0xff, 0x01, ' ', '\r', '\n'});
        original.writeBytes("last line\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] expected = original.toByteArray();

        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            assertTrue(smtp.reply().startsWith("220 "));
            assertTrue(smtp.command("EHLO raw.example").startsWith("250 "));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<a@example.org> BODY=8BITMIME"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + rcpt + ">"));
            assertTrue(smtp.command("DATA").startsWith("354 "));
            smtp.send(dotStuff(expected));
            smtp.send(".\r\n");
            assertTrue(smtp.reply().startsWith("250 2.0.0 "));
            assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
        }

        List<Path> files = TestServer.delivered(rcpt);
        assertEquals(1, files.size());
        byte[] stored = Files.readAllBytes(files.get(0));
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("From: a@example.org");
        assertTrue(text.startsWith("Return-Path: <a@example.org>\r\nReceived: from raw.example "), text);
        assertArrayEquals(expected, Arrays.copyOfRange(stored, headerEnd, stored.length));
    }

    private static byte[] dotStuff(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    @Test
    void curlDeliversOverSmtp() throws Exception {
        String rcpt = TestServer.uniqueMailbox("example.test");
        Path mail = Files.createTempFile("curl-mail", ".eml");
        Files.writeString(mail, "From: curl@example.org\r\nTo: " + rcpt + "\r\nSubject: via curl\r\n\r\nsent by curl\r\n");
        Process curl = new ProcessBuilder(ExternalTools.requireCommand("curl"), "-sS", "--url", "smtp://" + TestServer.HOST + ":" + TestServer.SMTP_PORT,
                "--mail-from", "curl@example.org", "--mail-rcpt", rcpt, "--upload-file", mail.toString())
                .redirectErrorStream(true).start();
        assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.exitValue(), output);
        List<Path> files = TestServer.delivered(rcpt);
        assertEquals(1, files.size());
        assertTrue(Files.readString(files.get(0)).endsWith("Subject: via curl\r\n\r\nsent by curl\r\n"));
    }

    @Test
    void refusesToRelayAndStoresNothing() throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO relay-test.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<spammer@example.org>"));
            assertEquals("550 5.7.1 <victim@elsewhere.example>: Relay access denied", smtp.command("RCPT TO:<victim@elsewhere.example>"));
            assertEquals("503 5.5.1 Error: need RCPT command", smtp.command("DATA"));
        }
        assertTrue(TestServer.delivered("victim@elsewhere.example").isEmpty());
    }

    @Test
    void connectionsBeyondTheLimitGet421AndTheListenerSurvives() throws Exception {
        int limit = 20; // SMTP_MAX_CONNECTIONS of the test server
        List<SmtpConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                SmtpConnection connection = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT);
                held.add(connection);
                assertTrue(connection.reply().startsWith("220 "), "connection " + i);
            }
            try (SmtpConnection extra = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
                assertTrue(extra.reply().startsWith("421 4.3.2 "));
            }
        } finally {
            for (SmtpConnection connection : held) {
                connection.close();
            }
        }
        // slots are released once the sessions notice the closed sockets
        long deadline = System.currentTimeMillis() + 10_000;
        String greeting = null;
        while (System.currentTimeMillis() < deadline) {
            try (SmtpConnection again = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
                greeting = again.reply();
            }
            if (greeting != null && greeting.startsWith("220 ")) {
                break;
            }
            Thread.sleep(200);
        }
        assertTrue(greeting != null && greeting.startsWith("220 "), String.valueOf(greeting));
    }
}
