package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the engine with random input for a bounded time: structured noise (real verbs with
 * mangled arguments, pipelined, with stray CR/LF/NUL and 8-bit bytes) and plain random bytes.
 * Every session must end normally: no exception escapes (an escaped one would show as the
 * engine's "local error" reply) and every session greets first.
 */
class ProtocolFuzzTest {

    private static final String[] VERBS = {"EHLO", "HELO", "MAIL FROM:", "RCPT TO:", "DATA", "BDAT", "RSET", "NOOP",
        "QUIT", "VRFY", "HELP", "AUTH", "STARTTLS", "EXPN", "BOGUS", ""};
    private static final String[] FRAGMENTS = {"<a@example.test>", "<>", "<", ">", " SIZE=", " BODY=8BITMIME", " SMTPUTF8",
        " BY=60;R", " LAST", " PLAIN", " LOGIN", "=", "*", "\"q\"@x", "@a,@b:c@d", "用户@例え.jp", "999999999999999999999",
        "-1", " ", "\t", "\0", "\r", "\n", ".", "..", "\r\n.\r\n", "AHVzZXIAcGFzcw=="};

    @TempDir
    Path spool;

    @Test
    void randomInputForABoundedTimeNeverBreaksTheEngine() {
        Random random = new Random(20261124);
        long deadline = System.nanoTime() + 5_000_000_000L;
        int sessions = 0;
        while (System.nanoTime() < deadline) {
            byte[] script = random.nextInt(4) == 0 ? noise(random) : structured(random);
            ScriptedSession s = ScriptedSession.withDefaults(spool).run(script);
            assertTrue(s.raw().startsWith("220 "), "session " + sessions);
            assertFalse(s.lines().contains(Replies.LOCAL_ERROR.render().strip()), () -> "an exception escaped a handler on input: "
                    + new String(script, StandardCharsets.ISO_8859_1));
            sessions++;
        }
        assertTrue(sessions > 100, "fuzzed " + sessions + " sessions");
    }

    private static byte[] structured(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int commands = 1 + random.nextInt(40);
        for (int i = 0; i < commands; i++) {
            StringBuilder line = new StringBuilder(VERBS[random.nextInt(VERBS.length)]);
            int fragments = random.nextInt(4);
            for (int f = 0; f < fragments; f++) {
                line.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
            if (line.toString().startsWith("BDAT") && random.nextBoolean()) {
                line.append(' ').append(random.nextInt(50));
            }
            out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(random.nextInt(10) == 0 ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
            if (random.nextInt(8) == 0) {
                byte[] junk = new byte[random.nextInt(200)];
                random.nextBytes(junk);
                out.writeBytes(junk);
            }
        }
        return out.toByteArray();
    }

    private static byte[] noise(Random random) {
        byte[] bytes = new byte[random.nextInt(3000)];
        random.nextBytes(bytes);
        return bytes;
    }
}
