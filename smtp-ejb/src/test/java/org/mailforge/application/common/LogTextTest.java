package org.mailforge.application.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A login or a remote reply cannot forge a log line or hide text from whoever reads the log. */
class LogTextTest {

    @Test
    void controlFormatAndSeparatorCharactersAreShownEscaped() {
        assertEquals("bob\\u000D\\u000AINFO forged line", LogText.escape("bob\r\nINFO forged line"));
        assertEquals("evil\\u202Egpj.exe \\u2028 a\\\\b", LogText.escape("evil\u202Egpj.exe \u2028 a\\b"));
        assertEquals("Grüße 日本 \uD83D\uDE00", LogText.escape("Grüße 日本 \uD83D\uDE00"), "ordinary text stays");
    }

    @Test
    void longTextIsCut() {
        String logged = LogText.escape("x".repeat(100_000));
        assertTrue(logged.length() <= LogText.MAX_CHARS + 3, "length " + logged.length());
        assertTrue(logged.endsWith("..."));
    }
}
