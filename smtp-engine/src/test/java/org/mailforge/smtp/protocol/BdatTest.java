package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BdatTest {

    @TempDir
    Path spool;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final String START = "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\n";

    @Test
    void chunksArriveBinarySafeWithoutDotStuffing() throws Exception {
        byte[] first = bytes("Subject: binary\r\n\r\n.\r\n.a line with a dot\r\n");
        ByteArrayOutputStream octets = new ByteArrayOutputStream();
        for (int i = 1; i < 256; i++) {
            if (i != '\r' && i != '\n') {
                octets.write(i); // every other octet, 8-bit ones included; CR and LF only as CRLF, no NUL (no BINARYMIME)
            }
        }
        octets.writeBytes(bytes("\r\n"));
        byte[] second = octets.toByteArray();
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        script.writeBytes(bytes(START + "BDAT " + first.length + "\r\n"));
        script.writeBytes(first);
        script.writeBytes(bytes("BDAT " + second.length + " LAST\r\n"));
        script.writeBytes(second);
        script.writeBytes(bytes("QUIT\r\n"));
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(script.toByteArray());
        List<String> replies = s.replies();
        assertEquals("250 2.0.0 " + first.length + " octets received", replies.get(4));
        assertEquals("250 2.0.0 Ok: queued", replies.get(5));
        byte[] content = s.delivered.get(0).content();
        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertArrayEquals(expected, Arrays.copyOfRange(content, content.length - expected.length, content.length));
        assertTrue(s.delivered.get(0).text().startsWith("Received: from c "));
    }

    /** Without BINARYMIME a NUL is not text, in any chunk: the message is refused at LAST, nothing is taken. */
    @Test
    void aNulInAnyChunkRefusesTheMessage() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(START + "BDAT 7\r\nhel\0lo\n" + "BDAT 2 LAST\r\n\r\nQUIT\r\n");
        assertEquals("550 5.6.0 Error: bare CR or LF in message text is not allowed (RFC 5321 2.3.8); use CRLF line endings",
                s.replies().get(5), "a bare LF weighs more than a NUL");
        ScriptedSession nul = ScriptedSession.withDefaults(spool).run(START + "BDAT 7\r\nhel\0lo\r" + "BDAT 1 LAST\r\n\nQUIT\r\n");
        assertEquals("550 5.6.0 Error: NUL in message text is not allowed (RFC 5322 2.3); encode binary content", nul.replies().get(5));
        assertTrue(nul.delivered.isEmpty());
    }

    @Test
    void emptyLastChunkEndsTheMessage() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(START + "BDAT 5\r\nhello" + "BDAT 0 LAST\r\nQUIT\r\n");
        assertEquals("250 2.0.0 Ok: queued", s.replies().get(5));
        assertTrue(s.delivered.get(0).text().endsWith("hello"));
    }

    @Test
    void sizeLimitCountsAcrossChunksAndTheSessionStaysInStep() {
        String chunk = "x".repeat(6000);
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(START + "BDAT 6000\r\n" + chunk + "BDAT 6000\r\n" + chunk
                + "BDAT 10 LAST\r\n0123456789" + "NOOP\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("250 2.0.0 6000 octets received", replies.get(4));
        assertEquals("552 5.3.4 Error: message size exceeds fixed limit of 10000 octets", replies.get(5));
        assertEquals("503 5.5.1 Error: need MAIL command", replies.get(6), "the transaction was abandoned, the chunk consumed");
        assertEquals("250 2.0.0 Ok", replies.get(7));
        assertTrue(s.delivered.isEmpty());
    }

    @Test
    void sequencingAndMixingWithData() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run("EHLO c\r\nBDAT 3\r\nabc" + "MAIL FROM:<a@example.org>\r\n"
                + "BDAT 3\r\nabc" + "RCPT TO:<b@example.test>\r\nBDAT 3\r\nabc" + "DATA\r\nRSET\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("503 5.5.1 Error: need MAIL command", replies.get(2));
        assertEquals("503 5.5.1 Error: need RCPT command", replies.get(4));
        assertEquals("250 2.0.0 3 octets received", replies.get(6));
        assertEquals("503 5.5.1 Error: DATA cannot follow BDAT", replies.get(7));
        assertEquals("250 2.0.0 Ok", replies.get(8));
        assertTrue(s.delivered.isEmpty());
    }

    @Test
    void malformedSizeClosesTheConnection() {
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(START + "BDAT many\r\nNOOP\r\n");
        List<String> replies = s.replies();
        assertEquals("501 5.5.4 Syntax: BDAT size [LAST]", replies.get(4));
        assertTrue(replies.get(5).startsWith("421 4.5.0 "));
        assertEquals(6, replies.size());
    }

    @Test
    void largeChunkedMessagesAreSpooledAndTheSpoolIsCleanedUp() throws Exception {
        String chunk = "y".repeat(4000);
        ScriptedSession s = ScriptedSession.withDefaults(spool).run(START + "BDAT 4000\r\n" + chunk + "BDAT 4000 LAST\r\n" + chunk
                + "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\nBDAT 4000\r\n" + chunk + "RSET\r\nQUIT\r\n");
        assertEquals(1, s.delivered.size());
        assertTrue(s.delivered.get(0).text().endsWith(chunk + chunk));
        try (var files = Files.list(spool)) {
            assertEquals(0, files.count(), "no spool file left behind, also for the abandoned transaction");
        }
    }
}
