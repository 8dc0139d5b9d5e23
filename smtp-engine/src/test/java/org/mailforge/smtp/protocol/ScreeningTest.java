package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.smtp.spi.ClientScreening;
import org.mailforge.smtp.spi.InboundRecipient;
import org.mailforge.smtp.spi.Reply;

/** What the session does with the application's screening: a refused greeting, and the envelope checks at RCPT. */
class ScreeningTest {

    @TempDir
    Path spool;

    private static final Reply LISTED = Reply.of(554, "5.7.1", "Service unavailable; client [192.0.2.7] listed by bl.example");

    @Test
    void aRefusedClientHearsTheRefusalThen503UntilItQuits() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).screenedAs(new ClientScreening(Duration.ZERO, LISTED, 3, false))
                .run("EHLO bot.example\r\nMAIL FROM:<a@b.example>\r\nQUIT\r\nRCPT TO:<x@example.test>\r\n");
        assertEquals(List.of("554 5.7.1 Service unavailable; client [192.0.2.7] listed by bl.example",
                "503 5.5.1 Error: this connection was refused, send QUIT",
                "503 5.5.1 Error: this connection was refused, send QUIT",
                "221 2.0.0 Bye"), s.replies());
        assertTrue(s.delivered.isEmpty());
    }

    @Test
    void aRefusedClientThatNeverQuitsIsCutOffAfterAFewCommands() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).screenedAs(new ClientScreening(Duration.ZERO, LISTED, 3, false))
                .run("NOOP\r\n".repeat(50));
        assertEquals(4, s.replies().size(), s.raw()); // the refusal and three 503s, then the connection closes
    }

    @Test
    void recipientsOfUnauthenticatedMailAreScreenedWithTheEnvelopeAndTheClientsScore() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).screenedAs(new ClientScreening(Duration.ZERO, null, -2, true))
                .screeningRecipients(r -> r.recipient().startsWith("grey") ? Reply.of(451, "4.7.1", "Greylisted, try again later") : null)
                .run("EHLO relay.example\r\nMAIL FROM:<alice@sender.example>\r\nRCPT TO:<grey@example.test>\r\n"
                        + "RCPT TO:<bob@example.test>\r\nQUIT\r\n");
        assertEquals(List.of(220, 250, 250, 451, 250, 221), s.codes());
        assertEquals(List.of(new InboundRecipient("192.0.2.7", -2, "relay.example", "alice@sender.example", "grey@example.test"),
                new InboundRecipient("192.0.2.7", -2, "relay.example", "alice@sender.example", "bob@example.test")), s.screened);
    }

    @Test
    void recipientsAreNotScreenedWhenTheClientsScreeningSaysSo() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).screenedAs(ClientScreening.PASS)
                .screeningRecipients(r -> Reply.of(451, "4.7.1", "Greylisted"))
                .run("EHLO relay.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.test>\r\nQUIT\r\n");
        assertEquals(List.of(220, 250, 250, 250, 221), s.codes());
        assertTrue(s.screened.isEmpty());
    }

    @Test
    void anUnknownRecipientIsRefusedBeforeItCouldBeGreylisted() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).screenedAs(ClientScreening.RECIPIENTS_ONLY)
                .verifyingRecipients(address -> Reply.of(550, "5.1.1", "unknown"))
                .screeningRecipients(r -> Reply.of(451, "4.7.1", "Greylisted"))
                .run("EHLO relay.example\r\nMAIL FROM:<>\r\nRCPT TO:<nobody@example.test>\r\nQUIT\r\n");
        assertEquals(List.of(220, 250, 250, 550, 221), s.codes());
        assertTrue(s.screened.isEmpty());
    }

    @Test
    void authenticatedMailIsNeverScreened() {
        String credentials = java.util.Base64.getEncoder().encodeToString(
                ("\0" + ScriptedSession.USER + "\0" + ScriptedSession.PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ScriptedSession s = ScriptedSession.withDefaults(spool).screenedAs(ClientScreening.RECIPIENTS_ONLY)
                .screeningRecipients(r -> Reply.of(451, "4.7.1", "Greylisted"))
                .run("EHLO c\r\nAUTH PLAIN " + credentials + "\r\nMAIL FROM:<" + ScriptedSession.OWN_ADDRESS + ">\r\n"
                        + "RCPT TO:<bob@example.test>\r\nQUIT\r\n");
        assertEquals(List.of(220, 250, 235, 250, 250, 221), s.codes());
        assertTrue(s.screened.isEmpty());
    }

    @Test
    void aScreeningThatFailsDefersTheRecipientInsteadOfTakingIt() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).screenedAs(ClientScreening.RECIPIENTS_ONLY).screeningRecipients(r -> {
            throw new IllegalStateException("database down");
        }).run("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<bob@example.test>\r\nQUIT\r\n");
        assertEquals(List.of(220, 250, 250, 451, 221), s.codes());
    }

    @Test
    void deferredRecipientsCountTowardTheRecipientLimit() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).screenedAs(ClientScreening.RECIPIENTS_ONLY)
                .screeningRecipients(r -> Reply.of(451, "4.7.1", "Greylisted"))
                .run("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<a1@example.test>\r\nRCPT TO:<a2@example.test>\r\n"
                        + "RCPT TO:<a3@example.test>\r\nRCPT TO:<a4@example.test>\r\nQUIT\r\n");
        assertEquals(List.of(220, 250, 250, 451, 451, 451, 452, 221), s.codes(), "three recipients a transaction here");
        assertEquals(3, s.screened.size(), "the fourth never reached the application");
    }
}
