package org.mailforge.smtp.ra;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;

import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import org.mailforge.smtp.protocol.ClientInfo;
import org.mailforge.smtp.protocol.CommandRegistry;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.ratelimit.ClientBudget;
import org.mailforge.smtp.ratelimit.RateLimitCounters;
import org.mailforge.smtp.ratelimit.RateLimiter;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SmtpMessageListener;

/**
 * A bound SMTP socket: accepts connections on a work thread and runs each session as its own
 * work, up to the connection limit; beyond it, clients get {@code 421 4.3.2} at once.
 */
final class SmtpListener {

    private static final Logger LOG = Logger.getLogger(SmtpListener.class.getName());
    /** How long a greeting may wait for the client's reverse DNS name (SMTP_REVERSE_DNS). */
    private static final Duration REVERSE_DNS_TIMEOUT = Duration.ofSeconds(2);

    private final SmtpActivationSpec spec;
    private final SmtpSettings settings;
    private final SmtpMessageListener listener;
    private final WorkManager workManager;
    private final CommandRegistry commands = CommandRegistry.standard();
    private final Semaphore connectionSlots;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final SSLContext tls;
    private final ListenerStatistics statistics = ListenerStatistics.global();
    private final RateLimiter rateLimiter;
    private final ReverseDns reverseDns;
    private volatile ServerSocket serverSocket;
    private volatile boolean running;

    SmtpListener(SmtpActivationSpec spec, SmtpMessageListener listener, WorkManager workManager, SSLContext tls) {
        this.spec = spec;
        this.tls = tls;
        this.settings = spec.toSettings();
        this.listener = listener;
        this.workManager = workManager;
        this.connectionSlots = new Semaphore(spec.getMaxConnections());
        this.rateLimiter = spec.rateLimiter(RateLimitCounters.global()::refused);
        this.reverseDns = spec.reverseDnsEnabled()
                ? new ReverseDns(ReverseDns.Resolver.SYSTEM, this::runAsWork, REVERSE_DNS_TIMEOUT)
                : null;
    }

    private void runAsWork(Runnable task) {
        try {
            workManager.scheduleWork(new Work() {
                @Override
                public void run() {
                    task.run();
                }

                @Override
                public void release() {
                    // a lookup cannot be interrupted; its result is simply no longer awaited
                }
            });
        } catch (WorkException e) {
            throw new RejectedExecutionException(e);
        }
    }

    void start() throws IOException, WorkException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(spec.getHost()), spec.getPort()), 512);
        serverSocket = socket;
        running = true;
        statistics.listenerStarted();
        workManager.scheduleWork(new AcceptLoop(), WorkManager.INDEFINITE, null, null);
        LOG.info(() -> "SMTP listener ready on " + spec.getHost() + ":" + socket.getLocalPort()
                + " as " + settings.hostname() + ", local domains " + settings.localDomains());
    }

    void stop() {
        if (!running) {
            return;
        }
        running = false;
        statistics.listenerStopped();
        closeQuietly(serverSocket);
        openSockets.forEach(SmtpListener::closeQuietly);
        LOG.info(() -> "SMTP listener on " + spec.getHost() + ":" + spec.getPort() + " stopped");
    }

    private final class AcceptLoop implements Work {
        @Override
        public void run() {
            while (running) {
                Socket socket;
                try {
                    socket = serverSocket.accept();
                } catch (SocketException e) {
                    if (running) {
                        LOG.log(Level.WARNING, "accept failed; listener continues", e);
                        pause();
                    }
                    continue;
                } catch (IOException | RuntimeException e) {
                    // e.g. too many open files: keep the listener alive and back off briefly
                    LOG.log(Level.WARNING, "accept failed; listener continues", e);
                    pause();
                    continue;
                }
                admit(socket);
            }
        }

        @Override
        public void release() {
            stop();
        }
    }

    private void admit(Socket socket) {
        ClientBudget budget = rateLimiter.budgetFor(socket.getInetAddress());
        if (!budget.tryConnection()) {
            statistics.rejectedOne();
            refuse(socket, Replies.rateLimited(settings.hostname(),
                    "too many connections from " + socket.getInetAddress().getHostAddress()));
            return;
        }
        if (!connectionSlots.tryAcquire()) {
            statistics.rejectedOne();
            refuse(socket, Reply.of(421, "4.3.2", settings.hostname() + " Error: too many connections, try again later"));
            return;
        }
        statistics.opened();
        openSockets.add(socket);
        try {
            workManager.scheduleWork(new Connection(socket, budget), WorkManager.INDEFINITE, null, null);
        } catch (WorkException | RuntimeException e) {
            LOG.log(Level.WARNING, "no thread for a new connection", e);
            finished(socket);
            refuse(socket, Reply.of(421, "4.3.2", settings.hostname() + " Error: server busy, try again later"));
        }
    }

    private final class Connection implements Work {
        private final Socket socket;
        private final ClientBudget budget;

        Connection(Socket socket, ClientBudget budget) {
            this.socket = socket;
            this.budget = budget;
        }

        @Override
        public void run() {
            try (socket) {
                socket.setSoTimeout((int) settings.idleTimeout().toMillis());
                socket.setTcpNoDelay(true);
                InetAddress address = socket.getInetAddress();
                String name = reverseDns == null ? null : reverseDns.verifiedName(address);
                ClientInfo client = new ClientInfo(address.getHostAddress(), name, budget);
                SocketTransport transport = new SocketTransport(socket, tls);
                try {
                    new SmtpSession(settings, commands, listener, client, transport, Clock.systemUTC()).run();
                } finally {
                    transport.socket().close();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "connection ended with an error", e);
            } finally {
                finished(socket);
            }
        }

        @Override
        public void release() {
            closeQuietly(socket);
        }
    }

    private void finished(Socket socket) {
        if (openSockets.remove(socket)) {
            statistics.closed();
            connectionSlots.release();
        }
    }

    private static void refuse(Socket socket, Reply reply) {
        try (socket; OutputStream out = socket.getOutputStream()) {
            socket.setSoTimeout(1000);
            out.write(reply.render().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException ignored) {
            // the client left already
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
