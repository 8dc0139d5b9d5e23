package org.mailforge.smtp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read timeouts over a real socket, as the listener enforces them: the socket itself never
 * times out (SO_TIMEOUT 0); a watch calls {@link SocketTransport#cutOffIfOverdue} (here every
 * 50 ms instead of the listener's second) and a session that waited too long gets its 421.
 */
class ReadTimeoutTest {

    private static final Duration IDLE = Duration.ofMillis(400);

    @TempDir
    Path spool;

    /** Serves one session with the given limits, watched every 50 ms; returns the client's socket. */
    private Socket serve(ServerSocket server, Duration idle, Duration maxSession, AtomicReference<SocketTransport> watched) throws IOException {
        Thread session = LoopbackSmtp.serveOne(server, LoopbackSmtp.settings(spool, idle, maxSession),
                new LoopbackSmtp.RecordingListener(), null, watched::set);
        Thread watch = new Thread(() -> {
            while (session.isAlive()) {
                SocketTransport transport = watched.get();
                if (transport != null) {
                    transport.cutOffIfOverdue(System.nanoTime());
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watch.setDaemon(true);
        watch.start();
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        client.setSoTimeout(10_000); // the test's own bound, far above the server's timeouts
        return client;
    }

    private static String last(List<String> reply) {
        return reply.get(reply.size() - 1);
    }

    @Test
    void aSilentClientGetsTheTimeoutReplyAndTheSocketCloses() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = serve(server, IDLE, Duration.ofMinutes(1), new AtomicReference<>())) {
            LoopbackSmtp.Client smtp = new LoopbackSmtp.Client(client);
            assertTrue(smtp.reply().get(0).startsWith("220 "));
            assertTrue(last(smtp.send("EHLO client.example")).startsWith("250 "));
            long silentSince = System.nanoTime();
            assertEquals("421 4.4.2 mx.example.test Error: timeout exceeded", smtp.in.readLine());
            long waitedMillis = (System.nanoTime() - silentSince) / 1_000_000;
            assertTrue(waitedMillis >= IDLE.toMillis(), "not before the idle timeout: " + waitedMillis + " ms");
            assertNull(smtp.in.readLine(), "the server closes the connection after its 421");
        }
    }

    @Test
    void aClientThatKeepsTalkingIsNeverCutOff() throws Exception {
        AtomicReference<SocketTransport> transport = new AtomicReference<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = serve(server, IDLE, Duration.ofMinutes(1), transport)) {
            LoopbackSmtp.Client smtp = new LoopbackSmtp.Client(client);
            assertTrue(smtp.reply().get(0).startsWith("220 "));
            assertTrue(last(smtp.send("EHLO client.example")).startsWith("250 "));
            long until = System.nanoTime() + 4 * IDLE.toNanos();
            while (System.nanoTime() - until < 0) { // four idle timeouts in all, each pause well inside one
                Thread.sleep(IDLE.toMillis() / 4);
                assertEquals("250 2.0.0 Ok", last(smtp.send("NOOP")));
            }
            assertFalse(transport.get().cutOffIfOverdue(System.nanoTime()), "a session that has just heard from its client is not overdue");
            assertEquals("221 2.0.0 Bye", last(smtp.send("QUIT")));
        }
    }

    @Test
    void nearTheSessionDeadlineTheWaitEndsThereWithTheSessionLimitReply() throws Exception {
        Duration maxSession = Duration.ofMillis(900);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = serve(server, Duration.ofMinutes(5), maxSession, new AtomicReference<>())) {
            long started = System.nanoTime();
            LoopbackSmtp.Client smtp = new LoopbackSmtp.Client(client);
            assertTrue(smtp.reply().get(0).startsWith("220 "));
            assertEquals("421 4.4.2 mx.example.test Error: session time limit exceeded", smtp.in.readLine(),
                    "the five-minute idle timeout does not keep a silent client past the session's deadline");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 5_000, "ended at the deadline, not at the idle timeout: " + tookMillis + " ms");
        }
    }
}
