package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

/** SMTP AUTH against users created through the API, with a raw client and Jakarta Mail. */
class SmtpAuthIT {

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainAndLoginAuthenticateUsersCreatedThroughTheApi() throws Exception {
        String email = "smtpauth" + System.nanoTime() + "@example.test";
        String password = "Auth-Pa55word";
        String username = TestServer.createUser(email, password);

        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO auth.example");
            assertEquals("535 5.7.8 Error: authentication failed", smtp.command("AUTH PLAIN " + b64("\0" + username + "\0wrong-password")));
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + b64("\0" + username + "\0" + password)));
        }
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO auth.example");
            assertEquals("334 VXNlcm5hbWU6", smtp.command("AUTH LOGIN"));
            assertEquals("334 UGFzc3dvcmQ6", smtp.command(b64(email))); // login by email address works too
            assertEquals("235 2.7.0 Authentication successful", smtp.command(b64(password)));
        }

        JsonObject user = Json.createReader(new StringReader(
                TestServer.asAdmin("GET", "/api/users/" + username, null).body())).readObject();
        assertTrue(user.containsKey("last_login"), "last_login is recorded: " + user);
    }

    @Test
    void jakartaMailSendsWithAuthAndTheTraceHeaderNamesTheUser() throws Exception {
        String email = "jmauth" + System.nanoTime() + "@example.test";
        String password = "Jakarta-Pa55";
        String username = TestServer.createUser(email, password);
        Session session = TestServer.mailSession("mail.smtp.auth", "true");
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(email));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(email));
        message.setSubject("authenticated");
        message.setText("sent with AUTH\n");
        Transport.send(message, username, password);

        List<java.nio.file.Path> files = TestServer.delivered(email);
        assertEquals(1, files.size());
        String stored = Files.readString(files.get(0));
        assertTrue(!stored.contains("Authenticated sender"), "the login is not disclosed by default: " + stored);
        assertTrue(stored.contains(" with ESMTPA id "), stored);

        assertThrows(AuthenticationFailedException.class, () -> Transport.send(message, username, "not-the-password"));
    }

    @Test
    void deletingAUserRemovesItsMail() throws Exception {
        String email = "gone" + System.nanoTime() + "@example.test";
        String username = TestServer.createUser(email, "Delete-Me-123");
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO del.example");
            smtp.command("MAIL FROM:<x@example.org>");
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + email + ">"));
            smtp.command("DATA");
            smtp.send("Subject: to be deleted\r\n\r\n" + ("b".repeat(998) + "\r\n").repeat(150) + ".\r\n"); // 150 KB
            assertTrue(smtp.reply().startsWith("250 "));
        }
        assertEquals(1, TestServer.delivered(email).size());
        JsonObject before = Json.createReader(new StringReader(TestServer.asAdmin("GET", "/api/users/" + username, null).body())).readObject();
        assertEquals(1, before.getJsonObject("statistics").getInt("messages_received"));
        assertTrue(before.getJsonNumber("used_mb").doubleValue() >= 0.1, "the 150 KB are counted: " + before);

        assertEquals(200, TestServer.asAdmin("DELETE", "/api/users/" + username, null).statusCode());
        assertTrue(TestServer.delivered(email).isEmpty(), "the user's maildir is gone");
    }

    @Test
    void quotaIsEnforcedAtOnce() throws Exception {
        String email = "quota" + System.nanoTime() + "@example.test";
        String username = TestServer.createUser(email, "Quota-Pass-1");
        assertEquals(200, TestServer.asAdmin("PUT", "/api/users/" + username, "{\"quota_mb\":1}").statusCode());
        String big = ("x".repeat(998) + "\r\n").repeat(1100); // about 1.1 MB
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO quota.example");
            smtp.command("MAIL FROM:<x@example.org>");
            smtp.command("RCPT TO:<" + email + ">");
            smtp.command("DATA");
            smtp.send("Subject: too big for the quota\r\n\r\n" + big + ".\r\n");
            assertEquals("552 5.2.2 <" + email + ">: mailbox full, quota exceeded", smtp.reply());
        }
        assertTrue(TestServer.delivered(email).isEmpty());
    }
}
