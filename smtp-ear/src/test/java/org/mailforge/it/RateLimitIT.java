package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

/**
 * Each per-address limit triggers at its configured value (the specification's defaults in
 * src/it/liberty/server.env). Every test connects from its own loopback address, so the limits
 * of one do not touch the others; 127.0.0.1, the address of all other tests, is exempt.
 */
class RateLimitIT {

    private static SmtpConnection from(String address) throws Exception {
        return new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT, address);
    }

    private static double limited(String limit) throws Exception {
        return TestServer.metric("smtp_rate_limited\\{[^}]*limit=\"" + limit + "\"[^}]*\\}");
    }

    @Test
    void theEleventhConnectionInAMinuteIsTurnedAway() throws Exception {
        double before = limited("connections");
        for (int i = 1; i <= 10; i++) {
            try (SmtpConnection smtp = from("127.0.0.2")) {
                assertTrue(smtp.reply().startsWith("220 "), "connection " + i);
                smtp.command("QUIT");
            }
        }
        try (SmtpConnection smtp = from("127.0.0.2")) {
            String reply = smtp.reply();
            assertTrue(reply.startsWith("421 4.7.0 ") && reply.contains("too many connections from 127.0.0.2"), reply);
            assertEquals(null, smtp.reply(), "the server hung up");
        }
        try (SmtpConnection smtp = from("127.0.0.1")) {
            assertTrue(smtp.reply().startsWith("220 "), "the exempt address is not limited");
        }
        assertEquals(before + 1, limited("connections"));
    }

    @Test
    void theHundredAndFirstCommandInAMinuteEndsTheSession() throws Exception {
        try (SmtpConnection smtp = from("127.0.0.3")) {
            smtp.reply();
            for (int i = 1; i <= 100; i++) {
                assertTrue(smtp.command("NOOP").startsWith("250 "), "command " + i);
            }
            String reply = smtp.command("NOOP");
            assertTrue(reply.startsWith("421 4.7.0 ") && reply.contains("too many commands"), reply);
            assertEquals(null, smtp.reply());
        }
    }

    @Test
    void afterFiveFailedLoginsInAnHourAuthIsRefused() throws Exception {
        String wrong = "AUTH PLAIN " + Base64.getEncoder().encodeToString("\0admin\0not-the-password".getBytes());
        for (int session = 0; session < 2; session++) {
            try (SmtpConnection smtp = from("127.0.0.4")) {
                smtp.reply();
                smtp.command("EHLO limits.example");
                for (int i = 0; i < (session == 0 ? 3 : 2); i++) {
                    assertTrue(smtp.command(wrong).startsWith("535 5.7.8"));
                }
            }
        }
        String right = "AUTH PLAIN " + Base64.getEncoder().encodeToString(
                ("\0" + TestServer.ADMIN + "\0" + TestServer.ADMIN_PASSWORD).getBytes());
        try (SmtpConnection smtp = from("127.0.0.4")) {
            smtp.reply();
            smtp.command("EHLO limits.example");
            String reply = smtp.command(right);
            assertTrue(reply.startsWith("421 4.7.0 ") && reply.contains("too many failed authentications"), reply);
        }
    }

    @Test
    void theTwentyFirstMessageInAnHourWaits() throws Exception {
        try (SmtpConnection smtp = from("127.0.0.5")) {
            smtp.reply();
            smtp.command("EHLO limits.example");
            for (int i = 1; i <= 20; i++) {
                assertTrue(smtp.command("MAIL FROM:<limits@example.org>").startsWith("250 "), "message " + i);
                smtp.command("RSET");
            }
            String reply = smtp.command("MAIL FROM:<limits@example.org>");
            assertTrue(reply.startsWith("450 4.7.0 ") && reply.contains("too many messages"), reply);
            assertTrue(smtp.command("NOOP").startsWith("250 "), "the session goes on");
        }
    }
}
