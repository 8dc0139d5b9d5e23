package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.smtp.spi.HeldMail;
import org.mailforge.smtp.spi.MessageContent;

/** ETRN (RFC 1985) and ATRN (RFC 2645) at the engine level, against a scripted client. */
class TurnTest {

    @TempDir
    Path spool;

    private static final String AUTH = "AUTH PLAIN " + Base64.getEncoder().encodeToString(
            ("\0" + ScriptedSession.USER + "\0" + ScriptedSession.PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\r\n";

    @Test
    void etrnAsksTheListenerForARunAndChecksItsArgument() {
        ScriptedSession s = ScriptedSession.withDefaults(spool)
                .run("ETRN a.example\r\nEHLO c\r\nETRN\r\nETRN #queue\r\nETRN bad..name\r\nETRN @Sub.Example\r\n"
                        + "MAIL FROM:<x@example.test>\r\nETRN b.example\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("503 5.5.1 Error: send HELO/EHLO first", replies.get(1));
        assertEquals("501 5.5.4 Syntax: ETRN domain", replies.get(3));
        assertTrue(replies.get(4).startsWith("458 4.3.0 Unable to queue messages for node #queue"));
        assertEquals("501 5.5.4 Syntax: ETRN domain", replies.get(5));
        assertEquals("250 2.0.0 Queuing started for sub.example", replies.get(6));
        assertEquals("503 5.5.1 Error: ETRN not allowed inside a mail transaction", replies.get(8));
        assertEquals(List.of("sub.example"), s.queueRuns);
    }

    @Test
    void ehloOffersEtrnAndAtrn() {
        List<String> lines = ScriptedSession.withDefaults(spool).run("EHLO c\r\nQUIT\r\n").lines();
        assertTrue(lines.contains("250-ETRN"));
        assertTrue(lines.contains("250-ATRN"));
    }

    @Test
    void atrnNeedsAuthenticationAndAnAllowedDomain() {
        ScriptedSession s = ScriptedSession.withDefaults(spool)
                .run("EHLO c\r\nATRN held.example\r\n" + AUTH + "ATRN other.example\r\nATRN held.example\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("530 5.7.0 Error: authentication required for ATRN", replies.get(2));
        assertEquals("450 4.7.1 not yours", replies.get(4));
        assertEquals("453 4.3.0 You have no mail", replies.get(5));
    }

    @Test
    void atrnReversesTheRolesAndDeliversHeldMailByteForByte() {
        byte[] message = "Subject: held\r\n\r\n.leading dot\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);
        ScriptedSession s = ScriptedSession.withDefaults(spool)
                .holding(List.of(new HeldMail("msg_1", "sender@example.test", List.of("a@held.example", "b@held.example"),
                        MessageContent.of(message), false)))
                // after the 250 the client plays the server: greeting, EHLO, MAIL, 2 x RCPT, DATA, end of data, QUIT
                .run("EHLO c\r\n" + AUTH + "ATRN held.example\r\n"
                        + "220 customer.held.example ESMTP\r\n250 customer.held.example\r\n250 2.1.0 Ok\r\n"
                        + "250 2.1.5 Ok\r\n550 5.1.1 No such user\r\n354 Go ahead\r\n250 2.0.0 Stored\r\n221 2.0.0 Bye\r\n");
        String wire = s.raw();
        assertTrue(wire.contains("250 2.0.0 Now accepting mail for held.example, reversing the connection\r\n"), wire);
        String reversed = wire.substring(wire.indexOf("reversing the connection\r\n") + "reversing the connection\r\n".length());
        // the customer offered no extensions: no SIZE, no pipelining, one command at a time
        assertEquals("EHLO mx.example.test\r\nMAIL FROM:<sender@example.test>\r\n"
                + "RCPT TO:<a@held.example>\r\nRCPT TO:<b@held.example>\r\nDATA\r\n"
                + "Subject: held\r\n\r\n..leading dot\r\nbody\r\n.\r\nQUIT\r\n", reversed);
        assertEquals(2, s.turned.get("msg_1").size());
        assertEquals(250, s.turned.get("msg_1").get(0).reply().code(), "accepted at end of data");
        assertEquals(550, s.turned.get("msg_1").get(1).reply().code(), "refused at RCPT");
    }
}
