package org.mailforge.smtp.ra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.mailforge.smtp.protocol.SmtpTransport;

/** A client connection; STARTTLS layers TLS 1.2+ over the same socket. */
final class SocketTransport implements SmtpTransport {

    private final SSLContext tls;
    private Socket socket;
    private String tlsDescription;

    SocketTransport(Socket socket, SSLContext tls) {
        this.socket = socket;
        this.tls = tls;
    }

    @Override
    public InputStream input() throws IOException {
        return socket.getInputStream();
    }

    @Override
    public OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public boolean tlsAvailable() {
        return tls != null;
    }

    @Override
    public void startTls() throws IOException {
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        secure.setUseClientMode(false);
        secure.setEnabledProtocols(PemTls.PROTOCOLS);
        secure.setSoTimeout(socket.getSoTimeout());
        secure.startHandshake();
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
}
