package org.mailforge.infrastructure.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Hostile content for the database's derived columns: each is bounded, NUL-free, and linear to compute. */
class ParsedMessageTest {

    private static byte[] message(String contentType, String body) {
        return ("From: a@example.org\r\nTo: b@example.test\r\nSubject: s\u0000ub\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: " + contentType + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /** 1 MB of '<' took the old regular expressions about an hour; a parser reads it once. */
    @Test
    void aMegabyteOfAngleBracketsIsIndexedWithoutBacktracking() {
        String hostile = "<".repeat(1024 * 1024);
        ParsedMessage parsed = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> ParsedMessage.of(message("text/html; charset=us-ascii", hostile + "\r\n")));
        assertTrue(parsed.text().length() <= ParsedMessage.MAX_TEXT, "bounded: " + parsed.text().length());
        assertTrue(parsed.text().startsWith("<<<<"), "the brackets are text, not markup");
    }

    @Test
    void htmlBecomesItsTextWithoutScriptsOrStyles() {
        assertEquals("Hello world & more", ParsedMessage.htmlText(
                "<html><head><style>p{}</style><script>alert(1)</script></head><body><p>Hello <b>world</b> &amp; more</p></body></html>"));
    }

    @Test
    void derivedColumnsHaveNoNulAndStayWithinTheirBounds() {
        StringBuilder words = new StringBuilder();
        for (int i = 0; words.length() < 2 * 1024 * 1024; i++) {
            words.append('w').append(Integer.toString(i, 36)).append('\u0000').append(' ');
        }
        ParsedMessage parsed = ParsedMessage.of(message("text/plain; charset=utf-8", words + "\r\n"));
        assertEquals("sub", parsed.subject());
        assertFalse(parsed.text().contains("\u0000"));
        assertFalse(parsed.headers().contains("\u0000"));
        assertTrue(parsed.text().length() <= ParsedMessage.MAX_TEXT, "text " + parsed.text().length());
        assertTrue(parsed.text().startsWith("w0 w1 w2 "), parsed.text().substring(0, 20));
    }

    @Test
    void aHugeHeaderBlockIsCutToItsBound() {
        String header = "X-Filler: " + "y".repeat(200) + "\r\n";
        byte[] raw = ("Subject: big\r\n" + header.repeat(5_000) + "\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        ParsedMessage parsed = ParsedMessage.of(raw);
        assertEquals("big", parsed.subject());
        assertEquals(ParsedMessage.MAX_HEADERS, parsed.headers().length());
    }

    @Test
    void boundingNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00";
        assertEquals("a", ParsedMessage.bounded("a" + emoji, 2));
        assertEquals("a" + emoji, ParsedMessage.bounded("a" + emoji + "b", 3));
    }
}
