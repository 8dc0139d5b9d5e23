package org.mailforge.smtp.ra;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.mailforge.smtp.protocol.SmtpTransport;
import org.mailforge.smtp.tls.PemTls;

/**
 * A client connection; STARTTLS layers TLS 1.2+ over the same socket. It also tells the listener
 * how long the session has been waiting for the client, so an idle session can be cut off from
 * outside ({@link #cutOff()}) when the server is under stress.
 */
final class SocketTransport implements SmtpTransport {

    private static final long NOT_READING = Long.MIN_VALUE;

    private final Socket raw;
    private final SSLContext tls;
    private volatile Socket socket;
    private String tlsDescription;
    private volatile long readingSince = NOT_READING;
    private volatile boolean cutOff;

    SocketTransport(Socket socket, SSLContext tls) {
        this.raw = socket;
        this.socket = socket;
        this.tls = tls;
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
    public void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(Math.max(1, millis));
    }

    @Override
    public boolean tlsAvailable() {
        return tls != null;
    }

    @Override
    public void startTls() throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(raw,
                raw.getInetAddress().getHostAddress(), raw.getPort(), true);
        secure.setUseClientMode(false);
        secure.setEnabledProtocols(PemTls.PROTOCOLS);
        secure.setSoTimeout(raw.getSoTimeout());
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
                    throw new SocketTimeoutException("idle session cut off under stress");
                }
                return n;
            } catch (IOException e) {
                if (cutOff && !(e instanceof SocketTimeoutException)) {
                    throw new SocketTimeoutException("idle session cut off under stress");
                }
                throw e;
            } finally {
                readingSince = NOT_READING;
            }
        }
    }
}
