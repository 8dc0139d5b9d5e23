package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * Client input that must not reach somewhere it should not, sent to the real server: each is
 * refused with its own reply, nothing is stored, and the session (where it can) goes on.
 */
class InputIntegrityIT {

    private static SmtpConnection open() throws Exception {
        SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT);
        assertTrue(smtp.reply().startsWith("220 "));
        return smtp;
    }

    /** A connection that has sent EHLO and MAIL and had RCPT TO:<mailbox> accepted. */
    private static SmtpConnection transactionFor(String mailbox) throws Exception {
        SmtpConnection smtp = open();
        smtp.command("EHLO client.example");
        smtp.command("MAIL FROM:<a@example.org>");
        assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
        return smtp;
    }

    /** A bare CR in EHLO used to put "Subject:INJECTED" into our Received: header as a header of its own. */
    @Test
    void heloInjectionIsRefused() throws Exception {
        try (SmtpConnection smtp = open()) {
            assertEquals("501 5.5.4 Error: control characters are not allowed in commands", smtp.command("EHLO a\rSubject:INJECTED"));
            assertEquals("501 5.5.4 Syntax: HELO/EHLO needs a domain name or an address literal", smtp.command("EHLO <script>"));
            assertTrue(smtp.command("EHLO client.example").startsWith("250 "), "the session goes on");
        }
    }

    @Test
    void aSizeTooLargeForALongIsTooBigNotAnError() throws Exception {
        try (SmtpConnection smtp = open()) {
            smtp.command("EHLO client.example");
            assertTrue(smtp.command("MAIL FROM:<a@example.org> SIZE=9999999999999999999").startsWith("552 5.3.4 "));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<a@example.org>"), "the session goes on");
        }
    }

    @Test
    void addressesWithBidiOrLineSeparatorsAreRefused() throws Exception {
        try (SmtpConnection smtp = open()) {
            smtp.command("EHLO client.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<a@example.org> SMTPUTF8"));
            for (String bad : new String[] {"evil\u202Egpj.exe", "two\u2028lines", "c1\u0085control"}) {
                assertEquals("553 5.1.3 Error: control, format or bidi characters in an address are not allowed",
                        smtp.command("RCPT TO:<" + bad + "@example.test>"));
            }
        }
    }

    /** RFC 5321 6.3: 50 Received: headers and ours make 51, a loop. */
    @Test
    void aLoopingMessageIsRefused() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        try (SmtpConnection smtp = transactionFor(mailbox)) {
            assertTrue(smtp.command("DATA").startsWith("354"));
            smtp.send("Received: from a.example by b.example; Tue, 1 Dec 2026 12:00:00 +0000\r\n".repeat(50)
                    + "Subject: loop\r\n\r\nround and round\r\n.\r\n");
            assertEquals("554 5.4.6 Error: too many hops (more than 50 Received: headers), mail loop?", smtp.reply());
        }
        assertTrue(TestServer.delivered(mailbox).isEmpty(), "nothing stored");
    }

    /** Without BINARYMIME, BDAT content is CRLF text: "<CR>.<CR>" would end the data at a lax next hop. */
    @Test
    void bdatWithBareLineEndingsIsRefused() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        byte[] smuggling = "Subject: one\r\n\r\nfirst\r.\rMAIL FROM:<x@example.org>\r\n".getBytes(StandardCharsets.US_ASCII);
        try (SmtpConnection smtp = transactionFor(mailbox)) {
            smtp.send(("BDAT " + smuggling.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
            smtp.send(smuggling);
            assertTrue(smtp.reply().startsWith("550 5.6.0 "), "refused like DATA");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<a@example.org>"), "the session goes on");
        }
        assertTrue(TestServer.delivered(mailbox).isEmpty(), "nothing stored");
    }

    /** A sender's own spam verdict must not sit beside (or stand in for) ours. */
    @Test
    void forgedVerdictHeadersAreRemoved() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        try (SmtpConnection smtp = transactionFor(mailbox)) {
            assertTrue(smtp.command("DATA").startsWith("354"));
            smtp.send("Subject: trust me\r\nX-Spam-Flag: NO\r\nX-Spam-Status: No, score=-100.0\r\n\tautolearn=ham\r\n"
                    + "X-Mailforge-Scan: clean\r\n\r\nX-Spam-Flag: NO stays in the body\r\n.\r\n");
            assertTrue(smtp.reply().startsWith("250 "));
        }
        String stored = java.nio.file.Files.readString(TestServer.delivered(mailbox).get(0), StandardCharsets.ISO_8859_1);
        assertTrue(stored.contains("Subject: trust me\r\n\r\nX-Spam-Flag: NO stays in the body\r\n"), stored);
        assertTrue(!stored.contains("autolearn") && !stored.contains("X-Mailforge-Scan"), stored);
    }

    /**
     * 100 identical RCPTs store one copy; a recipient already over its quota is refused at RCPT
     * with 452 4.2.2, and the other recipients still get the message.
     */
    @Test
    void duplicatesAreMergedAndAFullMailboxIsRefusedAtRcpt() throws Exception {
        String full = TestServer.uniqueMailbox("example.test");
        String fullUser = TestServer.createUser(full, "Full-Mailbox-1");
        String other = TestServer.uniqueMailbox("example.test");
        try (SmtpConnection smtp = open()) {
            smtp.command("EHLO client.example");
            smtp.command("MAIL FROM:<a@example.org>");
            for (int i = 0; i < 100; i++) {
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + full + ">"));
            }
            assertTrue(smtp.command("DATA").startsWith("354"));
            smtp.send("Subject: big\r\n\r\n" + ("x".repeat(998) + "\r\n").repeat(1200) + ".\r\n");
            assertTrue(smtp.reply().startsWith("250 "));
        }
        assertEquals(1, TestServer.delivered(full).size(), "one copy, not 100");
        // the 1.2 MB message is over a 1 MB quota set afterwards: the mailbox is full
        assertEquals(200, TestServer.asAdmin("PUT", "/api/users/" + fullUser, "{\"quota_mb\":1}").statusCode());
        try (SmtpConnection smtp = open()) {
            smtp.command("EHLO client.example");
            smtp.command("MAIL FROM:<a@example.org>");
            assertEquals("452 4.2.2 <" + full + ">: Mailbox full, quota exceeded", smtp.command("RCPT TO:<" + full + ">"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + other + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            smtp.send("Subject: small\r\n\r\nhello\r\n.\r\n");
            assertTrue(smtp.reply().startsWith("250 "), "the other recipient gets it");
        }
        assertEquals(1, TestServer.delivered(full).size());
        assertEquals(1, TestServer.delivered(other).size());
    }

    /**
     * Eight sessions end their DATA at the same moment for a mailbox with room for three of the
     * messages: three are taken, five refused, and the mailbox stays within its quota. The check
     * against the usage before the message used to let all eight through.
     */
    @Test
    void concurrentDeliveriesCannotOverrunAQuota() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        String user = TestServer.createUser(mailbox, "Quota-Race-1");
        assertEquals(200, TestServer.asAdmin("PUT", "/api/users/" + user, "{\"quota_mb\":1}").statusCode());
        String body = "Subject: a third of the quota\r\n\r\n" + ("y".repeat(998) + "\r\n").repeat(300); // 300 KB
        java.util.List<SmtpConnection> sessions = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                SmtpConnection smtp = open();
                sessions.add(smtp);
                smtp.command("EHLO client.example");
                smtp.command("MAIL FROM:<a@example.org>");
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
                assertTrue(smtp.command("DATA").startsWith("354"));
                smtp.send(body);
            }
            for (SmtpConnection smtp : sessions) {
                smtp.send(".\r\n"); // all eight messages complete at once
            }
            int taken = 0;
            for (SmtpConnection smtp : sessions) {
                String reply = smtp.reply();
                if (reply.startsWith("250 ")) {
                    taken++;
                } else {
                    assertEquals("552 5.2.2 <" + mailbox + ">: mailbox full, quota exceeded", reply);
                }
            }
            assertEquals(3, taken, "3 x 300 KB fit into 1 MB, a fourth does not");
        } finally {
            for (SmtpConnection smtp : sessions) {
                smtp.close();
            }
        }
        assertEquals(3, TestServer.delivered(mailbox).size());
        String info = TestServer.asAdmin("GET", "/api/users/" + user, null).body();
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("\"used_mb\":([0-9.]+)").matcher(info);
        assertTrue(used.find(), info);
        assertTrue(Double.parseDouble(used.group(1)) <= 1.0, "within the quota: " + info);
    }
}
