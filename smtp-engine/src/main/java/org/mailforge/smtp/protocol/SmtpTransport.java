package org.mailforge.smtp.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The byte streams a session talks over, and the one thing SMTP may do to them: upgrade to TLS
 * (RFC 3207). The resource adapter supplies a socket; tests may supply plain streams.
 */
public interface SmtpTransport {

    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** Whether {@link #startTls()} can work here now (a certificate is at hand). */
    boolean tlsAvailable();

    /**
     * Whether TLS is configured here, even while its certificate has not arrived yet (ACME): then
     * AUTH must still wait for TLS, not fall back to plaintext.
     */
    default boolean tlsConfigured() {
        return tlsAvailable();
    }

    /** Performs the server side of the TLS handshake; afterwards the streams are the encrypted ones. */
    void startTls() throws IOException;

    /**
     * How long the next read may wait for the client before it fails with a
     * {@link java.net.SocketTimeoutException}; plain streams ignore it.
     */
    default void readTimeout(int millis) throws IOException {
        // plain streams cannot time out
    }

    /** A description of the negotiated TLS ("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"), or null. */
    String tlsDescription();

    /** Plain streams without TLS, for tests and embedding. */
    static SmtpTransport of(InputStream in, OutputStream out) {
        return new SmtpTransport() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public boolean tlsAvailable() {
                return false;
            }

            @Override
            public void startTls() throws IOException {
                throw new IOException("TLS is not available on this transport");
            }

            @Override
            public String tlsDescription() {
                return null;
            }
        };
    }
}
