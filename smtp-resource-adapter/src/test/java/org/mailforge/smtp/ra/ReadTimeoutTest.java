package org.mailforge.smtp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.smtp.protocol.ClientInfo;
import org.mailforge.smtp.protocol.CommandRegistry;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.spi.AuthenticationResult;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SmtpMessageListener;

/**
 * The read timeouts over a real socket, as the listener enforces them: the socket itself never
 * times out (SO_TIMEOUT 0); a watch calls {@link SocketTransport#cutOffIfOverdue} (here every
 * 50 ms instead of the listener's second) and a session that waited too long gets its 421.
 */
class ReadTimeoutTest {

    private static final Duration IDLE = Duration.ofMillis(400);

    @TempDir
    Path spool;

    private final SmtpMessageListener listener = new SmtpMessageListener() {
        @Override
        public Reply deliver(InboundMessage message) {
            return Reply.of(250, "2.0.0", "Ok");
        }

        @Override
        public Reply verifySender(String user, String address) {
            return null;
        }

        @Override
        public AuthenticationResult authenticate(String username, char[] password) {
            return AuthenticationResult.failure();
        }
    };

    /** Serves one session with the given limits, watched every 50 ms; returns the client's socket. */
    private Socket serve(ServerSocket server, Duration idle, Duration maxSession, AtomicReference<SocketTransport> watched) throws IOException {
        SmtpSettings settings = new SmtpSettings("mx.example.test", Set.of("example.test"), 100_000, 10,
                idle, maxSession, 10, 4096, spool, false, false, false, 86400, false, false);
        Thread session = new Thread(() -> {
            try (Socket socket = server.accept()) {
                SocketTransport transport = new SocketTransport(socket, null, idle);
                watched.set(transport);
                new SmtpSession(settings, CommandRegistry.standard(), listener, new ClientInfo("127.0.0.1", null),
                        transport, Clock.systemUTC()).run();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        session.setDaemon(true);
        session.start();
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

    private static String send(OutputStream out, BufferedReader in, String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    @Test
    void aSilentClientGetsTheTimeoutReplyAndTheSocketCloses() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = serve(server, IDLE, Duration.ofMinutes(1), new AtomicReference<>())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            assertTrue(in.readLine().startsWith("220 "));
            assertTrue(send(out, in, "EHLO client.example").startsWith("250 "));
            long silentSince = System.nanoTime();
            assertEquals("421 4.4.2 mx.example.test Error: timeout exceeded", in.readLine());
            long waitedMillis = (System.nanoTime() - silentSince) / 1_000_000;
            assertTrue(waitedMillis >= IDLE.toMillis(), "not before the idle timeout: " + waitedMillis + " ms");
            assertNull(in.readLine(), "the server closes the connection after its 421");
        }
    }

    @Test
    void aClientThatKeepsTalkingIsNeverCutOff() throws Exception {
        AtomicReference<SocketTransport> transport = new AtomicReference<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = serve(server, IDLE, Duration.ofMinutes(1), transport)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            assertTrue(in.readLine().startsWith("220 "));
            assertTrue(send(out, in, "EHLO client.example").startsWith("250 "));
            long until = System.nanoTime() + 4 * IDLE.toNanos();
            while (System.nanoTime() - until < 0) { // four idle timeouts in all, each pause well inside one
                Thread.sleep(IDLE.toMillis() / 4);
                assertEquals("250 2.0.0 Ok", send(out, in, "NOOP"));
            }
            assertFalse(transport.get().cutOffIfOverdue(System.nanoTime()), "a session that has just heard from its client is not overdue");
            assertEquals("221 2.0.0 Bye", send(out, in, "QUIT"));
        }
    }

    @Test
    void nearTheSessionDeadlineTheWaitEndsThereWithTheSessionLimitReply() throws Exception {
        Duration maxSession = Duration.ofMillis(900);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = serve(server, Duration.ofMinutes(5), maxSession, new AtomicReference<>())) {
            long started = System.nanoTime();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            assertTrue(in.readLine().startsWith("220 "));
            assertEquals("421 4.4.2 mx.example.test Error: session time limit exceeded", in.readLine(),
                    "the five-minute idle timeout does not keep a silent client past the session's deadline");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < 5_000, "ended at the deadline, not at the idle timeout: " + tookMillis + " ms");
        }
    }
}
