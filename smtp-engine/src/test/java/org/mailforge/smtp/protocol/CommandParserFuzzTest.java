package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole command path: a session after EHLO gets whatever
 * bytes the fuzzer makes up. An exception escaping a handler shows as the engine's "local error"
 * reply; that, a session that does not greet, or anything thrown here is a finding. Runs for a
 * bounded time in the normal build (JAZZER_FUZZ=1 in the surefire configuration).
 */
class CommandParserFuzzTest {

    private static final Path SPOOL = spool();

    private static Path spool() {
        try {
            Path folder = Files.createTempDirectory("mailforge-fuzz");
            folder.toFile().deleteOnExit();
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void anyInputAfterEhloIsAnsweredWithoutAnEscapedException(FuzzedDataProvider data) {
        boolean requireAuth = data.consumeBoolean();
        byte[] script = concat("EHLO fuzz.example\r\n".getBytes(StandardCharsets.US_ASCII), data.consumeRemainingAsBytes());
        ScriptedSession session = (requireAuth ? ScriptedSession.requiringAuth(SPOOL) : ScriptedSession.withDefaults(SPOOL))
                .run(script);
        assertTrue(session.raw().startsWith("220 "));
        assertFalse(session.lines().contains(Replies.LOCAL_ERROR.render().strip()),
                () -> "an exception escaped a handler on input: " + new String(script, StandardCharsets.ISO_8859_1));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
