package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;

/** What the engine tells the message trace: its refusals, each under its transaction's id, and the session's facts. */
class RefusalReportsTest {

    @TempDir
    Path spool;

    @Test
    void eachTransactionHasItsOwnIdAndItsRefusalsAreReportedUnderIt() {
        ScriptedSession session = ScriptedSession.withDefaults(spool).run("""
                EHLO client.example\r
                MAIL FROM:<a@elsewhere.test>\r
                RCPT TO:<x@far.test>\r
                RCPT TO:<bob@example.test>\r
                DATA\r
                Subject: one\r
                \r
                hello\r
                .\r
                MAIL FROM:<b@elsewhere.test>\r
                RCPT TO:<y@far.test>\r
                QUIT\r
                """);
        assertEquals(List.of(220, 250, 250, 550, 250, 354, 250, 250, 550, 221), session.codes());
        assertEquals(1, session.delivered.size());
        String first = session.delivered.get(0).message().sessionId();
        assertEquals(first, session.delivered.get(0).message().session().sessionId(), "the first transaction has the session's id");
        assertTrue(session.delivered.get(0).text().contains(" id " + first), "our Received: names it");
        assertEquals("client.example", session.delivered.get(0).message().session().heloName());
        assertEquals("smtp", session.delivered.get(0).message().session().listener());

        assertEquals(2, session.refused.size());
        Refusal relay = session.refused.get(0);
        assertEquals(first, relay.traceId(), "a refused recipient belongs to its transaction's trace");
        assertEquals(Refusal.Stage.RCPT, relay.stage());
        assertEquals("a@elsewhere.test", relay.sender());
        assertEquals("x@far.test", relay.recipient());
        assertEquals(550, relay.reply().code());
        assertEquals("192.0.2.7", relay.session().clientAddress());
        assertEquals(first + "-2", session.refused.get(1).traceId(), "the second transaction's id");
    }

    @Test
    void aRefusedMailCommandIsATransactionOfItsOwn() {
        ScriptedSession session = ScriptedSession.requiringAuth(spool).run("""
                EHLO client.example\r
                MAIL FROM:<a@elsewhere.test>\r
                MAIL FROM:<a@elsewhere.test>\r
                QUIT\r
                """);
        assertEquals(List.of(220, 250, 530, 530, 221), session.codes());
        assertEquals(2, session.refused.size());
        String id = session.refused.get(0).session().sessionId();
        assertEquals(id, session.refused.get(0).traceId());
        assertEquals(id + "-2", session.refused.get(1).traceId());
        assertEquals(Refusal.Stage.MAIL, session.refused.get(1).stage());
        assertNull(session.refused.get(1).recipient());
    }

    @Test
    void syntaxErrorsAreNoRefusalsOfPolicy() {
        ScriptedSession session = ScriptedSession.withDefaults(spool).run("""
                EHLO client.example\r
                MAIL FROM:<not an address>\r
                MAIL FROM:<a@elsewhere.test>\r
                RCPT TO:<also not>\r
                QUIT\r
                """);
        assertEquals(List.of(220, 250, 501, 250, 501, 221), session.codes());
        assertEquals(List.of(), session.refused);
    }

    @Test
    void theApplicationsRefusalOfARecipientIsReported() {
        ScriptedSession session = ScriptedSession.withDefaults(spool)
                .verifyingRecipients(address -> Reply.of(550, "5.1.1", "<" + address + ">: User unknown"))
                .run("""
                        EHLO client.example\r
                        MAIL FROM:<>\r
                        RCPT TO:<nobody@example.test>\r
                        QUIT\r
                        """);
        assertEquals(1, session.refused.size());
        assertEquals("", session.refused.get(0).sender(), "the null sender");
        assertEquals("550 5.1.1 <nobody@example.test>: User unknown", session.refused.get(0).reply().render().strip());
    }

    @Test
    void aProberSessionReportsTwentyRefusalsNotEveryOne() {
        StringBuilder script = new StringBuilder("EHLO prober.example\r\nMAIL FROM:<a@elsewhere.test>\r\n");
        for (int i = 0; i < 50; i++) {
            script.append("RCPT TO:<victim").append(i).append("@far.test>\r\n");
        }
        script.append("QUIT\r\n");
        ScriptedSession session = ScriptedSession.withDefaults(spool).run(script.toString());
        assertEquals(50, session.codes().stream().filter(code -> code == 550).count(), "each refused");
        assertEquals(SmtpSession.MAX_REPORTED_REFUSALS, session.refused.size(), "the trace gets the first twenty");
    }
}
