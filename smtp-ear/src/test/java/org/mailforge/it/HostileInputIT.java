package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** What an attacker or a broken client sends never kills the listener, a worker, or memory. */
class HostileInputIT {

    private static void assertServerStillServes() throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            assertTrue(smtp.reply().startsWith("220 "));
            assertEquals("250 2.0.0 Ok", smtp.command("NOOP"));
        }
        assertEquals(200, TestServer.get(TestServer.HTTP_PORT, "/health").statusCode());
    }

    @Test
    void aTenMegabyteLineIsRefusedWithBoundedMemory() throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'A');
            for (int i = 0; i < 10; i++) {
                smtp.send(chunk);
            }
            smtp.send("\r\n");
            assertEquals("500 5.5.2 Error: line too long", smtp.reply());
            assertEquals("250 2.0.0 Ok", smtp.command("NOOP"), "the session goes on");
        }
        assertServerStillServes();
    }

    @Test
    void tenThousandPipelinedCommandsAreAnsweredInOrder() throws Exception {
        try (Socket socket = new Socket(TestServer.HOST, TestServer.SMTP_PORT)) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertTrue(in.readLine().startsWith("220 "));
            OutputStream out = socket.getOutputStream();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    byte[] noop = "NOOP\r\n".getBytes(StandardCharsets.US_ASCII);
                    ByteArrayOutputStream batch = new ByteArrayOutputStream();
                    for (int i = 0; i < 10_000; i++) {
                        batch.writeBytes(noop);
                    }
                    out.write(batch.toByteArray());
                    out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int i = 0; i < 10_000; i++) {
                assertEquals("250 2.0.0 Ok", in.readLine(), "reply " + i);
            }
            assertEquals("221 2.0.0 Bye", in.readLine());
            writer.get(60, TimeUnit.SECONDS);
        }
        assertServerStillServes();
    }

    @Test
    void randomBytesAndNulsNeverKillTheListener() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            try (Socket socket = new Socket(TestServer.HOST, TestServer.SMTP_PORT)) {
                socket.setSoTimeout(10_000);
                byte[] noise = new byte[1 + random.nextInt(200_000)];
                random.nextBytes(noise);
                if (round % 2 == 0) {
                    Arrays.fill(noise, 0, Math.min(noise.length, 1000), (byte) 0);
                }
                try {
                    socket.getOutputStream().write(noise);
                    socket.getInputStream().read(new byte[4096]);
                } catch (java.io.IOException expected) {
                    // the server may close on us: too many errors
                }
            }
        }
        assertServerStillServes();
    }

    /**
     * Half-open sessions (a line without its end, then silence) hold a slot each while they last,
     * do not keep others out, and give their slot back when the client goes. (The idle timeout
     * that ends them is tested on the engine with a clock, and under stress in AvailabilityIT.)
     */
    @Test
    void halfOpenConnectionsHoldTheirSlotOnlyWhileTheyLast() throws Exception {
        long before = activeSessions();
        Socket[] idle = new Socket[5];
        for (int i = 0; i < idle.length; i++) {
            idle[i] = new Socket(TestServer.HOST, TestServer.SMTP_PORT);
            idle[i].getOutputStream().write("EHLO half".getBytes(StandardCharsets.US_ASCII)); // no CRLF, then silence
        }
        TestServer.await(() -> activeSessions() >= before + 5, java.time.Duration.ofSeconds(20), "the five sessions are open");
        assertServerStillServes();
        for (Socket socket : idle) {
            socket.close();
        }
        TestServer.await(() -> {
            long active = activeSessions();
            return active >= 0 && active <= before;
        }, java.time.Duration.ofSeconds(20), "their slots are given back");
        assertServerStillServes();
    }

    /** Sessions open now, from /health (-1 on a failed read, which the waits above retry). */
    private static long activeSessions() {
        try {
            return jakarta.json.Json.createReader(new java.io.StringReader(TestServer.get(TestServer.HTTP_PORT, "/health").body()))
                    .readObject().getJsonObject("connections").getJsonNumber("active").longValue();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void bdatCarriesBinaryContentExactly() throws Exception {
        String rcpt = TestServer.uniqueMailbox("example.test");
        byte[] header = "Subject: binary\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[70_000];
        new Random(3).nextBytes(body);
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\r' || body[i] == '\n' || body[i] == 0) {
                body[i] = 'x'; // every other octet as it is; line endings only as CRLF and no NUL (no BINARYMIME)
            }
        }
        body[body.length - 2] = '\r';
        body[body.length - 1] = '\n';
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO bdat.example");
            smtp.command("MAIL FROM:<b@example.org>");
            smtp.command("RCPT TO:<" + rcpt + ">");
            smtp.send(("BDAT " + header.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            smtp.send(header);
            assertEquals("250 2.0.0 " + header.length + " octets received", smtp.reply());
            smtp.send(("BDAT " + body.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
            smtp.send(body);
            assertTrue(smtp.reply().startsWith("250 2.0.0 Ok"));
        }
        byte[] stored = Files.readAllBytes(TestServer.delivered(rcpt).get(0));
        assertArrayEquals(body, Arrays.copyOfRange(stored, stored.length - body.length, stored.length));
    }

    /**
     * SMTP smuggling over the wire: a NUL before the dot ("<CRLF><NUL>.<CRLF>", which a server that
     * drops NULs reads as the end of the data) and a smuggled transaction after it. The message is
     * refused whole at the real end, and the smuggled one never arrives.
     */
    @Test
    void aNulBeforeTheEndingDotRefusesTheMessageAndSmugglesNothing() throws Exception {
        String rcpt = TestServer.uniqueMailbox("example.test");
        String victim = TestServer.uniqueMailbox("example.test");
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO smuggler.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<a@example.org>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + rcpt + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            smtp.send(("Subject: innocent\r\n\r\ntext\r\n\0.\r\nMAIL FROM:<ceo@example.test>\r\nRCPT TO:<" + victim + ">\r\nDATA\r\n"
                    + "Subject: smuggled\r\n\r\nwire the money\r\n.\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("550 5.6.0 Error: NUL in message text is not allowed (RFC 5322 2.3); encode binary content", smtp.reply());
            assertEquals("250 2.0.0 Ok", smtp.command("NOOP"), "one reply for the whole DATA, then the session goes on");
        }
        assertTrue(TestServer.delivered(rcpt).isEmpty(), "nothing stored for the recipient");
        assertTrue(TestServer.delivered(victim).isEmpty(), "nothing smuggled");
    }
}
