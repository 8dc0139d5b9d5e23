package org.mailforge.smtp.ra;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.mailforge.smtp.protocol.SmtpTransport;
import org.mailforge.smtp.tls.PemTls;
import org.mailforge.smtp.tls.ServerTls;

/**
 * A client connection; STARTTLS layers TLS 1.2+ over the same socket. It also tells the listener
 * how long the session has been waiting for the client, so a wait can be cut off from outside
 * ({@link #cutOff()}): when it outlasts the session's read timeout, or the stress timeout when
 * the server is under stress.
 *
 * <p>The read timeout is enforced that way, by the listener's once-a-second watch, rather than by
 * the socket's {@code SO_TIMEOUT}: on a virtual thread every timed read schedules a timer task and
 * cancels it again (with a wake-up of the JDK's timer thread each time), about 8 % of all CPU
 * samples at 1 KB and concurrency 50 (async-profiler, 2026-12-02). An untimed read parks for
 * nothing but the socket: in a side-by-side run of the two builds (bench/jvm_ab.py --ear-b) 7 %
 * less CPU per message and 3 % more messages per second. A timeout now fires up to a second late.
 */
final class SocketTransport implements SmtpTransport {

    private static final long NOT_READING = Long.MIN_VALUE;

    private final Socket raw;
    private final ServerTls tls;
    private volatile Socket socket;
    private String tlsDescription;
    private volatile long readingSince = NOT_READING;
    private volatile long readTimeoutNanos;
    private volatile boolean cutOff;

    /** @param readTimeout how long a read (or the TLS handshake) may wait until the session sets its own */
    SocketTransport(Socket socket, ServerTls tls, Duration readTimeout) {
        this.raw = socket;
        this.socket = socket;
        this.tls = tls;
        this.readTimeoutNanos = readTimeout.toNanos();
    }

    @Override
    public InputStream input() throws IOException {
        return new WatchedInput(socket.getInputStream());
    }

    @Override
    public OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public void readTimeout(int millis) {
        readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
    }

    @Override
    public boolean tlsAvailable() {
        return tls.context() != null;
    }

    @Override
    public boolean tlsConfigured() {
        return tls.configured();
    }

    @Override
    public void startTls() throws IOException {
        SSLContext context = tls.context(); // the certificate of this moment: a later renewal leaves this session alone
        if (context == null) {
            throw new IOException("no TLS certificate yet");
        }
        SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket(raw,
                raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        secure.setUseClientMode(false);
        secure.setEnabledProtocols(PemTls.PROTOCOLS);
        readingSince = System.nanoTime(); // the handshake waits for the client like any read
        try {
            secure.startHandshake();
        } finally {
            readingSince = NOT_READING;
        }
        SSLSession session = secure.getSession();
        tlsDescription = session.getProtocol() + " with cipher " + session.getCipherSuite();
        socket = secure;
    }

    @Override
    public String tlsDescription() {
        return tlsDescription;
    }

    /** The socket to close: after STARTTLS, the TLS one. */
    Socket socket() {
        return socket;
    }

    /** Nanoseconds (System.nanoTime) the session has been waiting for the client, or -1 when it is not. */
    long waitingNanos(long now) {
        long since = readingSince;
        return since == NOT_READING ? -1 : now - since;
    }

    /**
     * Cuts the session off if it has waited for the client longer than its read timeout; the
     * listener's watch calls this for every open session.
     *
     * @return whether it was cut off
     */
    boolean cutOffIfOverdue(long now) {
        if (waitingNanos(now) > readTimeoutNanos) {
            cutOff();
            return true;
        }
        return false;
    }

    /**
     * Ends the wait from another thread: the pending read fails as a timeout (the session then
     * answers {@code 421 4.4.2} and ends). The socket's input side is shut, its output stays open
     * for that reply.
     */
    void cutOff() {
        cutOff = true;
        try {
            raw.shutdownInput();
        } catch (IOException ignored) {
            // already closed: nothing to cut
        }
    }

    /** The client's octets, with the time each read waits recorded for the listener. */
    private final class WatchedInput extends FilterInputStream {
        WatchedInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            readingSince = System.nanoTime();
            try {
                int n = in.read(b, off, len);
                if (n < 0 && cutOff) {
                    throw new SocketTimeoutException("the wait for the client was cut off");
                }
                return n;
            } catch (IOException e) {
                if (cutOff && !(e instanceof SocketTimeoutException)) {
                    throw new SocketTimeoutException("the wait for the client was cut off");
                }
                throw e;
            } finally {
                readingSince = NOT_READING;
            }
        }
    }
}
