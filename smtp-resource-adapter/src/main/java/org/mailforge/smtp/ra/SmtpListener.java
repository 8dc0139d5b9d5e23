package org.mailforge.smtp.ra;

import org.mailforge.smtp.spi.ListenerKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import org.mailforge.smtp.protocol.ClientInfo;
import org.mailforge.smtp.protocol.CommandRegistry;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.ratelimit.Cidr;
import org.mailforge.smtp.ratelimit.ClientBudget;
import org.mailforge.smtp.ratelimit.ConcurrentSessions;
import org.mailforge.smtp.ratelimit.Slots;
import org.mailforge.smtp.ratelimit.RateLimiter;
import org.mailforge.smtp.spi.ClientScreening;
import org.mailforge.smtp.spi.ScreeningScope;
import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SessionFacts;
import org.mailforge.smtp.spi.SmtpMessageListener;
import org.mailforge.smtp.tls.ServerTls;

/**
 * A bound SMTP socket of one {@link ListenerKind}, with its own limits and counters. One
 * platform thread accepts; each session runs on a thread of its own ({@link SessionThreads}:
 * virtual where the JVM has them), never on the server's shared executor. Admission, in order:
 * the per-address rate limit, the per-address count of open sessions, the listener's connection
 * limit; a refused client gets its {@code 421} at once.
 *
 * <p>A watch thread runs once a second. It cuts off sessions that have waited for their client
 * longer than their read timeout (the idle timeout, or less near the session deadline; see
 * {@link SocketTransport} for why not the socket's own timeout), and under stress (more than 80 %
 * of the connection slots taken, as Postfix's stress mode) those that have waited longer than the
 * stress timeout, new and old alike; and it closes any connection that outlived its session
 * deadline by a grace period (a client that does not read our replies, a stalled handshake),
 * whatever the session is doing.
 *
 * <p>On the MX listener the application then screens the client before it is greeted
 * ({@link SmtpMessageListener#screenClient}: DNS lists, while the reverse DNS lookup runs): it may
 * refuse it in the greeting ({@code 554}), or hold the greeting back to see whether the client
 * talks first, as spam software does (postscreen's pregreet test).
 *
 * <p>A connection from a network in SMTP_PROXY_PROTOCOL_TRUSTED (a load balancer) must begin with
 * a PROXY protocol header ({@link ProxyHeader}); the address in it is the client for every limit,
 * the {@code Received:} header and the logs, so the per-address admission waits for it. On the
 * implicit-TLS listener the TLS handshake follows the header and precedes the greeting.
 */
final class SmtpListener {

    private static final Logger LOG = Logger.getLogger(SmtpListener.class.getName());
    /** How long a greeting may wait for the client's reverse DNS name (SMTP_REVERSE_DNS). */
    private static final Duration REVERSE_DNS_TIMEOUT = Duration.ofSeconds(2);
    /** How long a trusted proxy may take to send its PROXY header (it sends it at once). */
    private static final int PROXY_HEADER_TIMEOUT_MILLIS = 10_000;
    /** Past its deadline a session gets this long to say goodbye before its socket is closed. */
    private static final Duration DEADLINE_GRACE = Duration.ofSeconds(15);

    private final SmtpActivationSpec spec;
    private final ListenerKind kind;
    private final int port;
    private final java.util.List<Cidr> proxies;
    private final SmtpSettings settings;
    private final SmtpMessageListener listener;
    private final WorkManager workManager;
    private final CommandRegistry commands = CommandRegistry.standard();
    private final int maxConnections;
    private final Semaphore connectionSlots;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final ServerTls tls;
    private final ListenerStatistics statistics;
    private final RateLimiter rateLimiter;
    private final ConcurrentSessions perAddress;
    private final long stressTimeoutNanos;
    private final ReverseDns reverseDns;
    private final boolean screened;
    private volatile ScreeningScope scope;
    private final ThreadFactory sessionThreads;
    private volatile ServerSocket serverSocket;
    private volatile boolean running;
    private volatile boolean stressed;
    private ScheduledExecutorService watch;

    SmtpListener(SmtpActivationSpec spec, ListenerKind kind, SmtpMessageListener listener, WorkManager workManager,
            ServerTls tls, ListenerStatistics statistics) {
        this.spec = spec;
        this.kind = kind;
        this.port = spec.port(kind);
        this.proxies = spec.proxyProtocolTrusted();
        this.statistics = statistics;
        this.tls = tls;
        this.settings = spec.toSettings(kind);
        this.listener = listener;
        this.workManager = workManager;
        this.maxConnections = spec.maxConnections();
        this.connectionSlots = new Semaphore(maxConnections);
        this.rateLimiter = spec.sharedRateLimiter(); // one budget per client across the three listeners
        this.perAddress = spec.sharedConcurrentSessions();
        this.stressTimeoutNanos = spec.stressTimeout().toNanos();
        this.sessionThreads = SessionThreads.factory("smtp-session-" + port + "-");
        // the MX listener's clients are screened (DNS lists, the early-talker test); submission clients
        // log in, and port 25 with SMTP_ENABLE_AUTH is submission too
        this.screened = kind == ListenerKind.SMTP && !settings.authRequired();
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
        socket.bind(new InetSocketAddress(InetAddress.getByName(spec.host()), port), 1024);
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
        LOG.info(() -> "SMTP listener ready on " + spec.host() + ":" + socket.getLocalPort() + " (" + kind.label()
                + (kind.implicitTls() ? ", implicit TLS" : "") + (proxies.isEmpty() ? "" : ", PROXY protocol from " + proxies) + ")"
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
        LOG.info(() -> "SMTP listener " + kind.label() + " on " + spec.host() + ":" + port + " stopped");
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
        Admission admission = null;
        if (!fromProxy(socket.getInetAddress())) {
            admission = admitAddress(socket, socket.getInetAddress(), false);
            if (admission == null) {
                return;
            }
        } // else the client's address is in the PROXY header, read on the session's thread
        if (!connectionSlots.tryAcquire()) {
            if (admission != null) {
                admission.slot().close();
            }
            statistics.rejectedOne();
            refuse(socket, socket.getInetAddress(), Reply.of(421, "4.3.2", settings.hostname() + " Error: too many connections, try again later"));
            return;
        }
        Connection connection = new Connection(socket, admission);
        statistics.opened();
        open.add(connection);
        stressed = underStress();
        try {
            sessionThreads.newThread(connection).start();
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(Level.WARNING, "no thread for a new connection", e);
            finished(connection);
            refuse(socket, socket.getInetAddress(), Reply.of(421, "4.3.2", settings.hostname() + " Error: server busy, try again later"));
        }
    }

    private boolean fromProxy(InetAddress address) {
        for (Cidr network : proxies) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The per-address checks, in order: the connection rate, then the sessions the address has
     * open. Null when {@code address} is refused (it has had its {@code 421} and the socket is
     * closed). {@code counted}: the connection is already among the listener's open ones.
     */
    private Admission admitAddress(Socket socket, InetAddress address, boolean counted) {
        ClientBudget budget = rateLimiter.budgetFor(address, statistics.rateLimits()::refused);
        if (!budget.tryConnection()) {
            refused(counted);
            refuse(socket, address, Replies.rateLimited(settings.hostname(), "too many connections from " + address.getHostAddress()));
            return null;
        }
        Slots.Slot slot = perAddress.tryOpen(address);
        if (slot == null) {
            refused(counted);
            statistics.refusedOnePerAddress();
            refuse(socket, address, Replies.rateLimited(settings.hostname(),
                    "too many concurrent connections from " + address.getHostAddress()));
            return null;
        }
        return new Admission(address, budget, slot);
    }

    private void refused(boolean counted) {
        if (counted) {
            statistics.rejectedOpen();
        } else {
            statistics.rejectedOne();
        }
    }

    /** A client admitted: its address (from the PROXY header behind a proxy), its budget and its per-address slot. */
    private record Admission(InetAddress address, ClientBudget budget, Slots.Slot slot) {
    }

    /** Postfix's stress mode: more than 80 % of the connection slots are taken. */
    private boolean underStress() {
        return open.size() * 5L > maxConnections * 4L;
    }

    /** Once a second: the read and stress timeouts of waiting sessions, and the hard end of every session. */
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
                if (transport == null || transport.cutOffIfOverdue(now)) {
                    continue;
                }
                if (stressed && transport.waitingNanos(now) > stressTimeoutNanos) {
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
        private final long closeAt;
        private volatile Admission admission;
        private volatile SocketTransport transport;

        Connection(Socket socket, Admission admission) {
            this.socket = socket;
            this.admission = admission;
            this.closeAt = System.nanoTime() + settings.maxSessionTime().plus(DEADLINE_GRACE).toNanos();
        }

        @Override
        public void run() {
            try (socket) {
                socket.setTcpNoDelay(true);
                if (admission == null && !admitFromProxyHeader()) {
                    return;
                }
                InetAddress address = admission.address();
                long connected = System.nanoTime();
                Supplier<String> name = reverseDns == null ? () -> null : reverseDns.start(address);
                ClientScreening screening = screening(address);
                if (screening.refusal() == null && !screening.greetingHold().isZero()
                        && !passesGreetingTest(address, connected + screening.greetingHold().toNanos())) {
                    return;
                }
                ClientInfo client = new ClientInfo(address.getHostAddress(), name.get(), admission.budget(), screening, kind.label());
                transport = new SocketTransport(socket, tls, settings.idleTimeout());
                try {
                    if (kind.implicitTls()) {
                        transport.startTls(); // RFC 8314: the handshake first, then the greeting inside TLS
                    }
                    new SmtpSession(settings, commands, listener, client, transport, Clock.systemUTC()).run();
                } finally {
                    finished(this); // the session's places are free before its client sees the connection close
                    transport.socket().close();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "connection ended with an error", e);
            } finally {
                finished(this);
            }
        }

        /**
         * The early-talker test (postscreen's pregreet test): a client that sends anything before
         * our greeting does not wait for replies as RFC 5321 requires, which is what spam
         * software does to save time. It is refused ({@code 554 5.5.1}) and the connection closed.
         * The application hears the outcome either way, to remember clients that passed.
         *
         * @param greetAt System.nanoTime at which the greeting is due
         * @return whether the session goes on (the client kept silent)
         */
        private boolean passesGreetingTest(InetAddress address, long greetAt) throws IOException {
            java.io.InputStream in = socket.getInputStream();
            boolean talked = in.available() > 0;
            if (!talked) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(greetAt - System.nanoTime());
                if (remaining > 0) {
                    socket.setSoTimeout((int) Math.min(remaining, Integer.MAX_VALUE));
                    try {
                        if (in.read() < 0) {
                            return false; // it left without a word: nothing to test, nobody to greet
                        }
                        talked = true;
                    } catch (java.net.SocketTimeoutException silent) {
                        // kept silent until the greeting was due: passed
                    } finally {
                        socket.setSoTimeout(0);
                    }
                }
            }
            try {
                listener.greetingTest(address.getHostAddress(), !talked);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "the application could not take the early-talker test's outcome", e);
            }
            if (talked) {
                in.skip(in.available()); // what it sent is never read; unread octets would reset the connection
                refuse(socket, address, Reply.of(554, "5.5.1", settings.hostname() + " Error: you talked before the greeting"));
            }
            return !talked;
        }

        /**
         * Reads the PROXY header a trusted proxy sends first and admits the client it names. A
         * connection without a valid header is closed without a word (the header is not SMTP,
         * and guessing would let anyone behind the proxy choose its address).
         */
        private boolean admitFromProxyHeader() throws IOException {
            socket.setSoTimeout(PROXY_HEADER_TIMEOUT_MILLIS);
            InetAddress client;
            try {
                client = ProxyHeader.read(socket.getInputStream()).orElse(socket.getInetAddress());
                socket.setSoTimeout(0); // from here on the watch times the waits (SocketTransport)
            } catch (ProxyHeader.MalformedHeaderException e) {
                statistics.rejectedOpen();
                LOG.fine(() -> "closed a connection from " + socket.getInetAddress().getHostAddress()
                        + " without a valid PROXY header: " + e.getMessage());
                return false;
            }
            admission = admitAddress(socket, client, true);
            return admission != null;
        }
    }

    /** What the application wants screened on this listener; asked on the first session, kept once it answered. */
    private ScreeningScope scope() {
        ScreeningScope known = scope;
        if (known == null) {
            try {
                known = listener.screeningScope();
                scope = known;
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "the application could not say what it screens; asked again next time", e);
                return ScreeningScope.ALL;
            }
        }
        return known;
    }

    /** The screening of a client: the application's when it screens clients on this listener; when it cannot answer, none. */
    private ClientScreening screening(InetAddress address) {
        if (!screened) {
            return ClientScreening.PASS;
        }
        ScreeningScope wanted = scope();
        ClientScreening unscreened = wanted.recipients() ? ClientScreening.RECIPIENTS_ONLY : ClientScreening.PASS;
        if (!wanted.clients()) {
            return unscreened;
        }
        try {
            ClientScreening screening = listener.screenClient(address.getHostAddress());
            return screening == null ? unscreened : screening;
        } catch (RuntimeException e) {
            // the client is greeted as usual; its recipients are still screened when that is on (or deferred, if that fails too)
            LOG.log(Level.FINE, "client screening failed; the client is greeted", e);
            return unscreened;
        }
    }

    private void finished(Connection connection) {
        if (open.remove(connection)) {
            Admission admission = connection.admission;
            if (admission != null) {
                admission.slot().close();
            }
            statistics.closed();
            connectionSlots.release();
        }
    }

    /** Refuses a connection before its session: the reply, and a report of it for the message trace. */
    private void refuse(Socket socket, InetAddress client, Reply reply) {
        try {
            String id = org.mailforge.smtp.spi.SessionIds.next();
            listener.refused(List.of(new Refusal(id, new SessionFacts(id, kind.label(), client.getHostAddress(), null, null, null, null),
                    Refusal.Stage.CONNECT, null, null, reply, java.time.Instant.now())));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "a refused connection could not be reported", e);
        }
        refuse(socket, reply);
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
