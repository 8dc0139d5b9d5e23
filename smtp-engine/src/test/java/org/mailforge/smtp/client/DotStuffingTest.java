package org.mailforge.smtp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DotStuffingTest {

    private static String stuffed(String content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffing.copy(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)), out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesStartingWithADotGetAnotherAndTheEndIsALineEnd() throws Exception {
        assertEquals("Subject: x\r\n\r\n..dot\r\nend\r\n", stuffed("Subject: x\r\n\r\n.dot\r\nend"));
        assertEquals("..\r\n", stuffed(".\r\n"));
        assertEquals("", stuffed(""));
    }

    /**
     * SMTP smuggling towards the next hop: "<CR>.<CR>" or "<LF>.<LF>" must not leave as a line of
     * its own that some server takes for the end of the data. Every bare line ending leaves as CRLF,
     * and the dot after it is stuffed.
     */
    @Test
    void bareLineEndingsLeaveAsCrlfWithTheirDotsStuffed() throws Exception {
        assertEquals("a\r\n..\r\nMAIL FROM:<x>\r\n", stuffed("a\r.\rMAIL FROM:<x>"));
        assertEquals("a\r\n..\r\nb\r\n", stuffed("a\n.\nb\n"));
        assertEquals("a\r\n..\r\n", stuffed("a\r\n.\r"));
        assertEquals("x\r\n\r\n", stuffed("x\r\r"));
    }

    /**
     * "<CRLF><NUL>.<CRLF>" (smtpsmug's NUL case): a next hop that drops NULs would read the line as
     * the end of the data, so the period after NULs at the start of a line is stuffed too; a line of
     * NULs alone still ends with CRLF before our terminator.
     */
    @Test
    void aPeriodAfterNulsAtTheStartOfALineIsStuffed() throws Exception {
        assertEquals("a\r\n\0..\r\nMAIL FROM:<x>\r\n", stuffed("a\r\n\0.\r\nMAIL FROM:<x>\r\n"));
        assertEquals("\0\0..\r\n", stuffed("\0\0.\r\n"));
        assertEquals("a.\0.\r\n", stuffed("a.\0.\r\n"), "inside a line nothing changes");
        assertEquals("a\r\n\0\r\n", stuffed("a\r\n\0"), "a last line of NULs ends with CRLF");
    }

    @Test
    void aCrlfSplitAcrossReadsStaysOnePair() throws Exception {
        byte[] content = ("x".repeat(16 * 1024 - 1) + "\r\n.y").getBytes(StandardCharsets.US_ASCII); // CR ends the first read
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotStuffing.copy(new ByteArrayInputStream(content), out);
        assertEquals("x".repeat(16 * 1024 - 1) + "\r\n..y\r\n", out.toString(StandardCharsets.US_ASCII));
    }
}
