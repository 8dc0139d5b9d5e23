package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

/** STARTTLS on the real server with a PEM certificate, judged by openssl and Jakarta Mail. */
class StartTlsIT {

    @Test
    void opensslNegotiatesTls12OrNewerAfterStartTls() throws Exception {
        Process openssl = new ProcessBuilder(ExternalTools.requireCommand("openssl"), "s_client", "-starttls", "smtp", "-brief", "-crlf",
                "-connect", TestServer.HOST + ":" + TestServer.SMTP_PORT, "-servername", "localhost")
                .redirectErrorStream(true).start();
        openssl.getOutputStream().write("EHLO openssl.example\nQUIT\n".getBytes(StandardCharsets.US_ASCII));
        openssl.getOutputStream().flush();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS));
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.contains("Protocol version: TLSv1.3") || output.contains("Protocol version: TLSv1.2"), output);
        assertTrue(output.contains("250-mx") || output.contains("250-localhost"), output);
        assertTrue(output.contains("221 2.0.0 Bye"), output);
    }

    @Test
    void jakartaMailRequiresStartTlsAndTheTraceHeaderRecordsIt() throws Exception {
        String rcpt = TestServer.uniqueMailbox("example.test");
        Session session = TestServer.mailSession("mail.smtp.starttls.enable", "true",
                "mail.smtp.starttls.required", "true",
                "mail.smtp.ssl.trust", "*", // the test certificate is self-signed
                "mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("tls@example.org"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(rcpt));
        message.setSubject("over TLS");
        message.setText("encrypted in transit\n");
        Transport.send(message);

        List<java.nio.file.Path> files = TestServer.delivered(rcpt);
        assertEquals(1, files.size());
        String stored = Files.readString(files.get(0));
        assertTrue(stored.contains("\t(using TLSv1."), stored);
        assertTrue(stored.contains(" with ESMTPS id "), stored);
    }
}
