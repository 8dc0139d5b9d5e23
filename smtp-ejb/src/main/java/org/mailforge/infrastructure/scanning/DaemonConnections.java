package org.mailforge.infrastructure.scanning;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.mailforge.application.scanning.ScannerUnavailableException;

/**
 * Connections to one scanning daemon, at most a few at a time: a slow daemon makes SMTP sessions
 * wait for a slot for a short while, then fail temporarily, instead of tying up every worker.
 */
final class DaemonConnections {

    /** One conversation with the daemon on a connection of the budget. */
    @FunctionalInterface
    interface Conversation<T> {
        T talk(Socket socket) throws IOException;
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final String name;
    private final String host;
    private final int port;
    private final Duration readTimeout;
    private final Duration slotWait;
    private final Semaphore slots;

    DaemonConnections(String name, String host, int port, Duration readTimeout, int maxConnections) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.readTimeout = readTimeout;
        this.slotWait = Duration.ofSeconds(5);
        this.slots = new Semaphore(maxConnections, true);
        this.watchdogs = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "scanner-watchdog-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    <T> T converse(Conversation<T> conversation) throws ScannerUnavailableException {
        try {
            if (!slots.tryAcquire(slotWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ScannerUnavailableException(name + " at " + describe() + ": all connections busy");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScannerUnavailableException(name + ": interrupted", e);
        }
        java.util.concurrent.ScheduledFuture<?> watchdog = null;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            // the read timeout bounds each wait for an answer, not a write into a daemon that stopped reading, nor the whole
            watchdog = watchdogs.schedule(() -> closeQuietly(socket), readTimeout.toMillis() * 4, TimeUnit.MILLISECONDS);
            return conversation.talk(socket);
        } catch (ScannerUnavailableException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ScannerUnavailableException(name + " at " + describe() + ": " + e.getMessage(), e);
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            slots.release();
        }
    }

    /** Closes conversations that outlast four read timeouts (a daemon thread of this daemon's client). */
    private final java.util.concurrent.ScheduledExecutorService watchdogs;

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * One conversation on a connection outside the budget of slots (a health check: it must not
     * wait behind scans, nor count a busy daemon as a dead one).
     */
    <T> T probe(Conversation<T> conversation) throws ScannerUnavailableException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
            return conversation.talk(socket);
        } catch (IOException | RuntimeException e) {
            throw new ScannerUnavailableException(name + " at " + describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code request} and reads the reply with {@code reader}: whether it contains
     * {@code PONG} (health probes; never throws).
     */
    boolean pings(byte[] request, boolean halfClose, Conversation<String> reader) {
        try {
            return probe(socket -> {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
                return reader.talk(socket);
            }).contains("PONG");
        } catch (ScannerUnavailableException e) {
            return false;
        }
    }

    /**
     * The daemon's reply: the octets up to {@code end} (clamd's NUL), or up to the end of the
     * stream when {@code end} is -1 (spamd), at most {@code max} of them.
     */
    static String readReply(Socket socket, int end, int max, java.nio.charset.Charset charset) throws IOException {
        java.io.InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
        java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != end) {
            if (reply.size() >= max) {
                throw new IOException("reply too long");
            }
            reply.write(b);
        }
        return reply.toString(charset);
    }

    String describe() {
        return host + ":" + port;
    }
}
