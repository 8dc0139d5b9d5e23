package org.mailforge.infrastructure.scanning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.mailforge.application.scanning.ScannerUnavailableException;
import org.mailforge.application.scanning.SpamVerdict;
import org.mailforge.application.scanning.VirusVerdict;
import org.mailforge.smtp.spi.MessageContent;

/**
 * The clamd and spamd clients against a daemon in this process that reads what a real one reads
 * (clamd's INSTREAM chunks, spamd's SPAMC/1.5 request) and answers what each case needs.
 */
class DaemonClientsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** What the daemon does with one connection: reads the request, returns it, writes the reply (null: stays silent). */
    private interface Conversation {
        byte[] request(InputStream in) throws IOException;
    }

    /** One connection, one conversation; the request it read comes back through the future. */
    private static final class FakeDaemon implements AutoCloseable {
        final ServerSocket server;
        final CompletableFuture<byte[]> request = new CompletableFuture<>();

        FakeDaemon(Conversation conversation, String reply) throws IOException {
            server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    request.complete(conversation.request(socket.getInputStream()));
                    if (reply == null) {
                        Thread.sleep(TIMEOUT.toMillis() * 3); // a daemon that never answers
                        return;
                    }
                    socket.getOutputStream().write(reply.getBytes(StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                } catch (IOException | InterruptedException e) {
                    request.completeExceptionally(e);
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** clamd's side of INSTREAM: the command, then 4-octet lengths and chunks up to an empty one; returns the stream. */
    private static byte[] instream(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] command = in.readNBytes("zINSTREAM\0".length());
        assertEquals("zINSTREAM\0", new String(command, StandardCharsets.US_ASCII));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int length = in.readInt(); length > 0; length = in.readInt()) {
            stream.write(in.readNBytes(length));
        }
        return stream.toByteArray();
    }

    /** spamd's side: the request up to the end of its content (SPAMC closes its output after it). */
    private static byte[] spamc(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static final byte[] MESSAGE = ("Subject: test\r\n\r\n" + "z".repeat(150_000) + "\r\n").getBytes(StandardCharsets.US_ASCII);

    private static ClamdClient clamd(int port) {
        return new ClamdClient("127.0.0.1", port, TIMEOUT, 2);
    }

    private static SpamdClient spamd(int port) {
        return new SpamdClient("127.0.0.1", port, TIMEOUT, 2);
    }

    @Test
    void clamdGetsTheWholeMessageInChunksAndACleanReplyIsClean() throws Exception {
        try (FakeDaemon daemon = new FakeDaemon(DaemonClientsTest::instream, "stream: OK\0")) {
            assertEquals(VirusVerdict.CLEAN, clamd(daemon.port()).scan(MessageContent.of(MESSAGE)));
            assertArrayEquals(MESSAGE, daemon.request.get(5, TimeUnit.SECONDS), "150 KB arrive whole, over three chunks");
        }
    }

    @Test
    void clamdFindingAVirusNamesIt() throws Exception {
        try (FakeDaemon daemon = new FakeDaemon(DaemonClientsTest::instream, "stream: Eicar-Test-Signature FOUND\0")) {
            assertEquals(new VirusVerdict(true, "Eicar-Test-Signature"), clamd(daemon.port()).scan(MessageContent.of(MESSAGE)));
        }
    }

    @Test
    void clamdErrorsSilenceAndAbsenceAreUnavailable() throws Exception {
        try (FakeDaemon daemon = new FakeDaemon(DaemonClientsTest::instream, "INSTREAM size limit exceeded. ERROR\0")) {
            ScannerUnavailableException e = assertThrows(ScannerUnavailableException.class,
                    () -> clamd(daemon.port()).scan(MessageContent.of(MESSAGE)));
            assertTrue(e.getMessage().contains("size limit exceeded"), e.getMessage());
        }
        try (FakeDaemon silent = new FakeDaemon(DaemonClientsTest::instream, null)) {
            long start = System.nanoTime();
            assertThrows(ScannerUnavailableException.class, () -> clamd(silent.port()).scan(MessageContent.of(MESSAGE)));
            assertTrue(System.nanoTime() - start < TIMEOUT.multipliedBy(3).toNanos(), "gave up after its timeout");
        }
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        assertThrows(ScannerUnavailableException.class, () -> clamd(closed).scan(MessageContent.of(MESSAGE)));
        assertFalse(clamd(closed).ping());
    }

    @Test
    void spamdGetsASpamc15RequestAndItsVerdictIsRead() throws Exception {
        String reply = "SPAMD/1.1 0 EX_OK\r\nContent-length: 17\r\nSpam: True ; 1000.0 / 5.0\r\n\r\nGTUBE,NO_RELAYS\r\n";
        try (FakeDaemon daemon = new FakeDaemon(DaemonClientsTest::spamc, reply)) {
            SpamVerdict verdict = spamd(daemon.port()).check(MessageContent.of(MESSAGE));
            assertEquals(new SpamVerdict(true, 1000.0, 5.0, List.of("GTUBE", "NO_RELAYS")), verdict);
            String request = new String(daemon.request.get(5, TimeUnit.SECONDS), StandardCharsets.US_ASCII);
            assertTrue(request.startsWith("SYMBOLS SPAMC/1.5\r\nContent-length: " + MESSAGE.length + "\r\n"), request.substring(0, 80));
            assertTrue(request.endsWith("\r\n\r\n" + new String(MESSAGE, StandardCharsets.US_ASCII)), "headers, a blank line, the message");
        }
    }

    @Test
    void spamdHamAndErrors() throws Exception {
        try (FakeDaemon daemon = new FakeDaemon(DaemonClientsTest::spamc, "SPAMD/1.1 0 EX_OK\r\nSpam: False ; -0.5 / 5.0\r\n\r\n")) {
            assertEquals(new SpamVerdict(false, -0.5, 5.0, List.of()), spamd(daemon.port()).check(MessageContent.of(MESSAGE)));
        }
        try (FakeDaemon daemon = new FakeDaemon(DaemonClientsTest::spamc, "SPAMD/1.0 76 Bad header line: x\r\n\r\n")) {
            ScannerUnavailableException e = assertThrows(ScannerUnavailableException.class,
                    () -> spamd(daemon.port()).check(MessageContent.of(MESSAGE)));
            assertTrue(e.getMessage().contains("76 Bad header line"), e.getMessage());
        }
        try (FakeDaemon daemon = new FakeDaemon(DaemonClientsTest::spamc, "SPAMD/1.1 0 EX_OK\r\n\r\n")) {
            assertThrows(ScannerUnavailableException.class, () -> spamd(daemon.port()).check(MessageContent.of(MESSAGE)),
                    "a reply without a verdict");
        }
    }
}
