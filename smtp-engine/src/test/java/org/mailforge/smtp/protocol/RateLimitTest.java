package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.smtp.ratelimit.ClientBudget;
import org.mailforge.smtp.spi.RateLimit;
import org.mailforge.smtp.ratelimit.RateLimiter;

/** The session's side of the per-address limits: which command hears what, and what it ends. */
class RateLimitTest {

    @TempDir
    Path spool;

    private static ClientBudget budget(RateLimit limit, int value) throws Exception {
        return new RateLimiter(Map.of(limit, value), List.of(), 10, System::nanoTime, l -> { })
                .budgetFor(InetAddress.getByName("192.0.2.7"));
    }

    @Test
    void tooManyCommandsEndTheSessionWith421() throws Exception {
        ScriptedSession s = ScriptedSession.withDefaults(spool).limitedBy(budget(RateLimit.COMMANDS, 3))
                .run("EHLO c\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n");
        assertEquals(List.of(250, 250, 250, 421), s.codes().subList(1, 5));
        assertTrue(s.raw().contains("421 4.7.0 mx.example.test Error: too many commands from 192.0.2.7"), s.raw());
        assertEquals(5, s.codes().size(), "nothing after the 421: " + s.raw());
    }

    @Test
    void tooManyMessagesGet450AtMailAndTheSessionGoesOn() throws Exception {
        ClientBudget budget = budget(RateLimit.MESSAGES, 1);
        ScriptedSession s = ScriptedSession.withDefaults(spool).limitedBy(budget)
                .run("EHLO c\r\nMAIL FROM:<a@example.test>\r\nRSET\r\nMAIL FROM:<a@example.test>\r\nNOOP\r\n");
        assertEquals(List.of(220, 250, 250, 250, 450, 250), s.codes());
        assertTrue(s.raw().contains("450 4.7.0 Error: too many messages from 192.0.2.7"), s.raw());
    }

    @Test
    void failedAuthenticationsAcrossSessionsBlockFurtherAttempts() throws Exception {
        ClientBudget budget = budget(RateLimit.AUTH_FAILURES, 2);
        String wrong = "AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString("\0alice\0wrong".getBytes()) + "\r\n";
        ScriptedSession first = ScriptedSession.withDefaults(spool).limitedBy(budget).run("EHLO c\r\n" + wrong + wrong);
        assertEquals(List.of(220, 250, 535, 535), first.codes());
        String right = "AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
                ("\0" + ScriptedSession.USER + "\0" + ScriptedSession.PASSWORD).getBytes()) + "\r\n";
        ScriptedSession second = ScriptedSession.withDefaults(spool).limitedBy(budget).run("EHLO c\r\n" + right + "NOOP\r\n");
        assertEquals(List.of(220, 250, 421), second.codes(), "even the right password waits: " + second.raw());
        assertTrue(second.raw().contains("421 4.7.0 mx.example.test Error: too many failed authentications"), second.raw());
    }
}
