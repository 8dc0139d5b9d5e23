package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMTP smuggling (SEC Consult, December 2023): a message ends with an end-of-data sequence that
 * some server takes for {@code <CRLF>.<CRLF>} and another does not, and what follows it is read as
 * a second transaction by one and as text by the other. Each malformed ending that the public
 * checker {@code smtpsmug} sends (and its pipelining test) is sent here followed by a smuggled
 * transaction whose sender is another domain's: none may be taken as the end of the data, no
 * smuggled command may be answered, and a message that carries a bare CR or LF is refused whole
 * (RFC 5321 2.3.8), so it can never be passed on to a server that would read it differently.
 */
class SmugglingTest {

    @TempDir
    Path spool;

    private static final String SMUGGLED = "MAIL FROM:<ceo@victim.example>\r\nRCPT TO:<carol@example.test>\r\nDATA\r\n"
            + "From: ceo@victim.example\r\nSubject: smuggled\r\n\r\nwire the money\r\n";

    /** smtpsmug's names and sequences. */
    static Stream<Arguments> endings() {
        return Stream.of(
                Arguments.of("lflf", "\n.\n"),
                Arguments.of("crcr", "\r.\r"),
                Arguments.of("crlf", "\r.\n"),
                Arguments.of("lfcr", "\n.\r"),
                Arguments.of("lfcrlf", "\n.\r\n"),
                Arguments.of("crlflf", "\r\n.\n"),
                Arguments.of("crcrlf", "\r.\r\n"),
                Arguments.of("crlfcr", "\r\n.\r"),
                Arguments.of("nullbefore", "\r\n\0.\r\n"),
                Arguments.of("nullafter", "\r\n.\0\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void aMalformedEndOfDataNeitherEndsTheMessageNorStartsASmuggledOne(String name, String ending) {
        String script = "EHLO attacker.example\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
                + "From: alice@example.org\r\nSubject: innocent\r\n\r\nThis is a test mail with a " + name + " ending."
                + ending + SMUGGLED + ".\r\nQUIT\r\n";
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(script);
        List<String> replies = s.replies();
        // 220, EHLO, MAIL, RCPT, 354, then one reply for the whole DATA, then QUIT: the smuggled
        // MAIL, RCPT and DATA were text, never commands
        assertEquals(7, replies.size(), replies::toString);
        assertEquals("221 2.0.0 Bye", replies.get(6));
        String verdict = replies.get(5);
        assertTrue(verdict.startsWith("550 5.6.0 "), name + ": the message with a bare line ending or NUL is refused whole: " + verdict);
        assertTrue(s.delivered.isEmpty(), name + ": nothing taken");
        assertEquals(java.util.List.of("bob@example.test"), s.verified, name + ": the smuggled RCPT was never a command");
        assertFalse(s.raw().contains("victim.example") || s.raw().contains("carol"), s.raw());
    }

    /**
     * smtpsmug's pipelining test: a first message ended correctly, then a second transaction sent
     * in the same packet. That is allowed pipelining (RFC 2920): both are taken, each answered once.
     */
    @Test
    void aCorrectlyEndedMessageFollowedByAPipelinedOneIsTwoMessages() {
        String script = "EHLO client.example\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
                + "Subject: 1/2\r\n\r\nThis is mail 1/2 to test pipelining\r\n.\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
                + "Subject: 2/2\r\n\r\nThis is mail 2/2 to test pipelining\r\n.\r\nQUIT\r\n";
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(script);
        assertEquals(List.of(220, 250, 250, 250, 354, 250, 250, 250, 354, 250, 221), s.codes());
        assertEquals(2, s.delivered.size());
        assertTrue(s.delivered.get(0).text().endsWith("\r\nThis is mail 1/2 to test pipelining\r\n"), s.delivered.get(0).text());
        assertTrue(s.delivered.get(1).text().endsWith("\r\nThis is mail 2/2 to test pipelining\r\n"), s.delivered.get(1).text());
    }
}
