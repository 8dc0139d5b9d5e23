package org.mailforge.smtp.ra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.mailforge.smtp.protocol.ClientInfo;
import org.mailforge.smtp.protocol.CommandRegistry;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.spi.AuthenticationResult;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SmtpMessageListener;
import org.mailforge.smtp.tls.ServerTls;

/** One SMTP session over a real loopback socket, served as {@link SmtpListener} serves it, and a client for it. */
final class LoopbackSmtp {

    private LoopbackSmtp() {
    }

    static SmtpSettings settings(Path spool, Duration idle, Duration maxSession) {
        return new SmtpSettings("mx.example.test", Set.of("example.test"), 100_000, 10,
                idle, maxSession, 10, 4096, spool, false, false, false, 86400, false, false);
    }

    /**
     * Accepts one connection on {@code server} and runs a session on it with {@code tls} (null: no
     * TLS); {@code transport} sees the connection's transport first.
     */
    static Thread serveOne(ServerSocket server, SmtpSettings settings, SmtpMessageListener listener, ServerTls tls,
            Consumer<SocketTransport> transport) {
        Thread session = new Thread(() -> {
            try (Socket socket = server.accept()) {
                SocketTransport connection = new SocketTransport(socket, tls == null ? ServerTls.off() : tls, settings.idleTimeout());
                transport.accept(connection);
                new SmtpSession(settings, CommandRegistry.standard(), listener, new ClientInfo("127.0.0.1", null),
                        connection, Clock.systemUTC()).run();
                connection.socket().close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        session.setDaemon(true);
        session.start();
        return session;
    }

    /** Keeps what it is given (accepting every message) and knows one login, alice with secret-pass. */
    static final class RecordingListener implements SmtpMessageListener {
        final List<InboundMessage> delivered = Collections.synchronizedList(new ArrayList<>());
        final List<String> stored = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Reply deliver(InboundMessage message) {
            delivered.add(message);
            try (var in = message.content().openStream()) {
                stored.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Reply.of(250, "2.0.0", "Ok");
        }

        @Override
        public Reply verifySender(String user, String address) {
            return null;
        }

        @Override
        public AuthenticationResult authenticate(String username, char[] password) {
            return "alice".equals(username) && "secret-pass".equals(new String(password))
                    ? AuthenticationResult.success("alice") : AuthenticationResult.failure();
        }
    }

    /** The client's side: commands out, whole (multi-line) replies in. */
    static final class Client {
        final BufferedReader in;
        final OutputStream out;

        Client(Socket socket) throws IOException {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        List<String> reply() throws IOException {
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = in.readLine();
                lines.add(line);
            } while (line != null && line.length() > 3 && line.charAt(3) == '-');
            return lines;
        }

        List<String> send(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return reply();
        }
    }
}
