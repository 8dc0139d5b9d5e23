package org.mailforge.smtp.ra;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
import org.mailforge.smtp.ratelimit.ConcurrentSessions;
import org.mailforge.smtp.ratelimit.Slots;
import org.mailforge.smtp.ratelimit.RateLimitCounters;
import org.mailforge.smtp.ratelimit.RateLimiter;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SmtpMessageListener;

/**
 * A bound SMTP socket. One platform thread accepts; each session runs on a thread of its own
 * ({@link SessionThreads}: virtual where the JVM has them), never on the server's shared
 * executor. Admission, in order: the per-address rate limit, the per-address count of open
 * sessions, the listener's connection limit; a refused client gets its {@code 421} at once.
 *
 * <p>A watch thread runs once a second. Under stress (more than 80 % of the connection slots
 * taken, as Postfix's stress mode) it cuts off sessions that have waited for their client longer
 * than the stress timeout, new and old alike; and it closes any connection that outlived its
 * session deadline by a grace period (a client that does not read our replies, a stalled
 * handshake), whatever the session is doing.
 */
final class SmtpListener {

    private static final Logger LOG = Logger.getLogger(SmtpListener.class.getName());
    /** How long a greeting may wait for the client's reverse DNS name (SMTP_REVERSE_DNS). */
    private static final Duration REVERSE_DNS_TIMEOUT = Duration.ofSeconds(2);
    /** Past its deadline a session gets this long to say goodbye before its socket is closed. */
    private static final Duration DEADLINE_GRACE = Duration.ofSeconds(15);

    private final SmtpActivationSpec spec;
    private final SmtpSettings settings;
    private final SmtpMessageListener listener;
    private final WorkManager workManager;
    private final CommandRegistry commands = CommandRegistry.standard();
    private final int maxConnections;
    private final Semaphore connectionSlots;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final SSLContext tls;
    private final ListenerStatistics statistics;
    private final RateLimiter rateLimiter;
    private final ConcurrentSessions perAddress;
    private final long stressTimeoutNanos;
    private final ReverseDns reverseDns;
    private final ThreadFactory sessionThreads;
    private volatile ServerSocket serverSocket;
    private volatile boolean running;
    private volatile boolean stressed;
    private ScheduledExecutorService watch;

    SmtpListener(SmtpActivationSpec spec, SmtpMessageListener listener, WorkManager workManager, SSLContext tls,
            ListenerStatistics statistics, RateLimitCounters rateLimitCounters) {
        this.spec = spec;
        this.statistics = statistics;
        this.tls = tls;
        this.settings = spec.toSettings();
        this.listener = listener;
        this.workManager = workManager;
        this.maxConnections = spec.maxConnections();
        this.connectionSlots = new Semaphore(maxConnections);
        this.rateLimiter = spec.rateLimiter(rateLimitCounters::refused);
        this.perAddress = spec.concurrentSessions();
        this.stressTimeoutNanos = spec.stressTimeout().toNanos();
        this.sessionThreads = SessionThreads.factory("smtp-session-" + spec.port() + "-");
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

    void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(spec.host()), spec.port()), 1024);
        serverSocket = socket;
        running = true;
        statistics.listenerStarted();
        watch = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "smtp-watch-" + socket.getLocalPort());
            thread.setDaemon(true);
            return thread;
        });
        watch.scheduleWithFixedDelay(this::watchSessions, 1, 1, TimeUnit.SECONDS);
        Thread acceptor = new Thread(this::acceptLoop, "smtp-accept-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info(() -> "SMTP listener ready on " + spec.host() + ":" + socket.getLocalPort()
                + " as " + settings.hostname() + ", local domains " + settings.localDomains()
                + "; up to " + maxConnections + " sessions on " + SessionThreads.kind() + " threads");
    }

    void stop() {
        if (!running) {
            return;
        }
        running = false;
        statistics.listenerStopped();
        closeQuietly(serverSocket);
        if (watch != null) {
            watch.shutdownNow();
        }
        open.forEach(connection -> closeQuietly(connection.socket));
        LOG.info(() -> "SMTP listener on " + spec.host() + ":" + spec.port() + " stopped");
    }

    private void acceptLoop() {
        while (running) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException | RuntimeException e) {
                // e.g. too many open files: keep the listener alive and back off briefly
                if (running) {
                    LOG.log(Level.WARNING, "accept failed; listener continues", e);
                    pause();
                }
                continue;
            }
            try {
                admit(socket);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not admit a connection", e);
                closeQuietly(socket);
            }
        }
    }

    private void admit(Socket socket) {
        InetAddress address = socket.getInetAddress();
        ClientBudget budget = rateLimiter.budgetFor(address);
        if (!budget.tryConnection()) {
            statistics.rejectedOne();
            refuse(socket, Replies.rateLimited(settings.hostname(), "too many connections from " + address.getHostAddress()));
            return;
        }
        Slots.Slot slot = perAddress.tryOpen(address);
        if (slot == null) {
            statistics.rejectedOne();
            statistics.refusedOnePerAddress();
            refuse(socket, Replies.rateLimited(settings.hostname(),
                    "too many concurrent connections from " + address.getHostAddress()));
            return;
        }
        if (!connectionSlots.tryAcquire()) {
            slot.close();
            statistics.rejectedOne();
            refuse(socket, Reply.of(421, "4.3.2", settings.hostname() + " Error: too many connections, try again later"));
            return;
        }
        Connection connection = new Connection(socket, budget, slot);
        statistics.opened();
        open.add(connection);
        stressed = underStress();
        try {
            sessionThreads.newThread(connection).start();
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(Level.WARNING, "no thread for a new connection", e);
            finished(connection);
            refuse(socket, Reply.of(421, "4.3.2", settings.hostname() + " Error: server busy, try again later"));
        }
    }

    /** Postfix's stress mode: more than 80 % of the connection slots are taken. */
    private boolean underStress() {
        return open.size() * 5L > maxConnections * 4L;
    }

    /** Once a second: the stress timeout for waiting sessions, and the hard end of every session. */
    private void watchSessions() {
        try {
            stressed = underStress();
            long now = System.nanoTime();
            for (Connection connection : open) {
                if (now - connection.closeAt > 0) {
                    closeQuietly(connection.socket); // past its deadline and grace: whatever it is doing
                    continue;
                }
                SocketTransport transport = connection.transport;
                if (stressed && transport != null && transport.waitingNanos(now) > stressTimeoutNanos) {
                    statistics.stressTimedOut();
                    transport.cutOff();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session watch failed; it runs again in a second", e);
        }
    }

    private final class Connection implements Runnable {
        private final Socket socket;
        private final ClientBudget budget;
        private final Slots.Slot slot;
        private final long closeAt;
        private volatile SocketTransport transport;

        Connection(Socket socket, ClientBudget budget, Slots.Slot slot) {
            this.socket = socket;
            this.budget = budget;
            this.slot = slot;
            this.closeAt = System.nanoTime() + settings.maxSessionTime().plus(DEADLINE_GRACE).toNanos();
        }

        @Override
        public void run() {
            try (socket) {
                socket.setSoTimeout((int) settings.idleTimeout().toMillis());
                socket.setTcpNoDelay(true);
                InetAddress address = socket.getInetAddress();
                String name = reverseDns == null ? null : reverseDns.verifiedName(address);
                ClientInfo client = new ClientInfo(address.getHostAddress(), name, budget);
                transport = new SocketTransport(socket, tls);
                try {
                    new SmtpSession(settings, commands, listener, client, transport, Clock.systemUTC()).run();
                } finally {
                    transport.socket().close();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "connection ended with an error", e);
            } finally {
                finished(this);
            }
        }
    }

    private void finished(Connection connection) {
        if (open.remove(connection)) {
            connection.slot.close();
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
