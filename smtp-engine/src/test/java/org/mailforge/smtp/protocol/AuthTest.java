package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {

    @TempDir
    Path spool;

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static final String PLAIN = b64("\0" + ScriptedSession.USER + "\0" + ScriptedSession.PASSWORD);

    @Test
    void plainWithInitialResponse() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\nAUTH PLAIN " + PLAIN + "\r\nQUIT\r\n");
        assertEquals("235 2.7.0 Authentication successful", s.replies().get(2));
        for (char[] password : s.passwordsSeen) {
            assertTrue(new String(password).chars().allMatch(c -> c == 0), "password wiped after use");
        }
    }

    @Test
    void plainWithEmptyChallenge() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\nAUTH PLAIN\r\n" + PLAIN + "\r\nQUIT\r\n");
        assertEquals(List.of("334 ", "235 2.7.0 Authentication successful"), s.replies().subList(2, 4));
    }

    @Test
    void plainWithMatchingAuthorizationIdentity() {
        String withAuthzid = b64(ScriptedSession.USER + "\0" + ScriptedSession.USER + "\0" + ScriptedSession.PASSWORD);
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\nAUTH PLAIN " + withAuthzid + "\r\nQUIT\r\n");
        assertEquals("235 2.7.0 Authentication successful", s.replies().get(2));
        String otherAuthzid = b64("root\0" + ScriptedSession.USER + "\0" + ScriptedSession.PASSWORD);
        s = ScriptedSession.withDefaults(spool).run("EHLO c\r\nAUTH PLAIN " + otherAuthzid + "\r\nQUIT\r\n");
        assertEquals("535 5.7.8 Error: authentication failed", s.replies().get(2));
    }

    @Test
    void loginUsesTheSpecifiedPrompts() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\nAUTH LOGIN\r\n" + b64(ScriptedSession.USER) + "\r\n"
                + b64(ScriptedSession.PASSWORD) + "\r\nQUIT\r\n");
        assertEquals(List.of("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 2.7.0 Authentication successful"),
                s.replies().subList(2, 5));
    }

    @Test
    void loginWithInitialUsername() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\nAUTH LOGIN " + b64(ScriptedSession.USER) + "\r\n"
                + b64(ScriptedSession.PASSWORD) + "\r\nQUIT\r\n");
        assertEquals(List.of("334 UGFzc3dvcmQ6", "235 2.7.0 Authentication successful"), s.replies().subList(2, 4));
    }

    @Test
    void wrongPasswordTemporaryFailureCancelAndGarbage() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\n"
                + "AUTH PLAIN " + b64("\0alice\0wrong") + "\r\n"
                + "AUTH PLAIN " + b64("\0busy\0x") + "\r\n"
                + "AUTH LOGIN\r\n*\r\n"
                + "AUTH PLAIN !!!notbase64\r\n"
                + "AUTH PLAIN " + b64("no separators") + "\r\n"
                + "AUTH CRAM-MD5\r\n"
                + "QUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("535 5.7.8 Error: authentication failed", replies.get(2));
        assertEquals("454 4.7.0 Temporary authentication failure, try again later", replies.get(3));
        assertEquals("334 VXNlcm5hbWU6", replies.get(4));
        assertEquals("501 5.0.0 Authentication cancelled", replies.get(5));
        assertEquals("501 5.5.2 Error: malformed base64 or credentials", replies.get(6));
        assertEquals("501 5.5.2 Error: malformed base64 or credentials", replies.get(7));
        assertEquals("504 5.5.4 Error: unrecognized authentication type", replies.get(8));
        assertEquals("221 2.0.0 Bye", replies.get(9));
    }

    @Test
    void tooManyFailuresCloseTheSession() {
        String bad = "AUTH PLAIN " + b64("\0alice\0wrong") + "\r\n";
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\n" + bad.repeat(4) + "NOOP\r\n");
        List<String> replies = s.replies();
        assertEquals("421 4.7.0 Error: too many authentication failures", replies.get(replies.size() - 1));
        assertEquals(6, replies.size());
    }

    @Test
    void sequencingRules() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("HELO c\r\nAUTH PLAIN " + PLAIN + "\r\n"
                + "EHLO c\r\nMAIL FROM:<a@example.org>\r\nAUTH PLAIN " + PLAIN + "\r\nRSET\r\n"
                + "AUTH PLAIN " + PLAIN + "\r\nAUTH PLAIN " + PLAIN + "\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("503 5.5.1 Error: send EHLO first", replies.get(2));
        assertEquals("503 5.5.1 Error: MAIL transaction in progress", replies.get(5));
        assertEquals("235 2.7.0 Authentication successful", replies.get(7));
        assertEquals("503 5.5.1 Error: already authenticated", replies.get(8));
    }

    @Test
    void authRequiredBlocksMailUntilAuthenticated() {
        ScriptedSession s = ScriptedSession.requiringAuth(spool).run("EHLO c\r\nMAIL FROM:<a@example.org>\r\n"
                + "AUTH PLAIN " + PLAIN + "\r\nMAIL FROM:<a@example.org>\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("530 5.7.0 Error: authentication required", replies.get(2));
        assertEquals("250 2.1.0 Ok", replies.get(4));
    }

    /**
     * Submission: after AUTH the envelope sender must be one of the login's addresses (the
     * listener decides which); another address gets the listener's 553 5.7.1 and no transaction
     * starts, the null sender is never asked about, and the own address is taken.
     */
    @Test
    void onSubmissionTheSenderMustBelongToTheLogin() {
        ScriptedSession s = ScriptedSession.submission(spool).run("EHLO c\r\nAUTH PLAIN " + PLAIN + "\r\n"
                + "MAIL FROM:<ceo@example.test>\r\nRCPT TO:<x@example.test>\r\n"
                + "MAIL FROM:<>\r\nRSET\r\n"
                + "MAIL FROM:<Alice@Example.Test>\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("553 5.7.1 <ceo@example.test>: Sender address rejected: not owned by user alice", replies.get(3));
        assertEquals("503 5.5.1 Error: need MAIL command", replies.get(4), "no transaction started");
        assertEquals("250 2.1.0 Ok", replies.get(5), "the null sender (bounces) needs no owner");
        assertEquals("250 2.1.0 Ok", replies.get(7));
        assertEquals(List.of("alice as ceo@example.test", "alice as Alice@example.test"), s.sendersVerified);
    }

    /** Where the listener does not require it (MX, SMTP_SENDER_LOGIN_MATCH=false), no sender is checked. */
    @Test
    void withoutSenderLoginMatchNoSenderIsChecked() {
        ScriptedSession s = ScriptedSession.requiringAuth(spool).run("EHLO c\r\nAUTH PLAIN " + PLAIN + "\r\n"
                + "MAIL FROM:<ceo@example.test>\r\nQUIT\r\n");
        assertEquals("250 2.1.0 Ok", s.replies().get(3));
        assertEquals(List.of(), s.sendersVerified);
    }

    /** The login stays out of the Received: header unless SMTP_RECEIVED_SHOW_LOGIN=true: every recipient reads it. */
    @Test
    void authenticatedUsersMayRelayAndAreNamedInTheTraceHeaderOnlyWhenConfigured() {
        String script = "EHLO c\r\nAUTH PLAIN " + PLAIN + "\r\n"
                + "MAIL FROM:<alice@example.test>\r\nRCPT TO:<friend@elsewhere.example>\r\nDATA\r\nSubject: x\r\n\r\nx\r\n.\r\nQUIT\r\n";
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(script);
        assertEquals("250 2.1.5 Ok", s.replies().get(4));
        assertEquals("alice", s.delivered.get(0).message().authenticatedUser());
        String text = s.delivered.get(0).text();
        assertTrue(!text.contains("Authenticated sender") && !text.contains("alice"), text);
        assertTrue(text.contains(" with ESMTPA id "), text);
        String shown = ScriptedSession.showingLogins(spool).run(script).delivered.get(0).text();
        assertTrue(shown.contains("\t(Authenticated sender: alice)\r\n"), shown);
    }

    @Test
    void withoutOutboundDeliveryEvenAuthenticatedUsersCannotRelay() {
        ScriptedSession s = ScriptedSession.withoutRelay(spool).run("EHLO c\r\nAUTH PLAIN " + PLAIN + "\r\n"
                + "MAIL FROM:<alice@example.test>\r\nRCPT TO:<friend@elsewhere.example>\r\nRCPT TO:<bob@example.test>\r\nQUIT\r\n");
        assertTrue(s.replies().get(4).startsWith("550 5.7.1 "), s.replies().toString());
        assertEquals("250 2.1.5 Ok", s.replies().get(5));
    }

    @Test
    void unauthenticatedSessionsCannotRelay() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\nAUTH PLAIN " + b64("\0alice\0wrong") + "\r\n"
                + "MAIL FROM:<alice@example.test>\r\nRCPT TO:<friend@elsewhere.example>\r\nQUIT\r\n");
        assertTrue(s.replies().get(4).startsWith("550 5.7.1 "));
        assertTrue(s.delivered.isEmpty());
        assertFalse(s.raw().contains("235"));
    }
}
