package org.mailforge.smtp.spi;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The server's certificate: its private key and the chain to present, leaf first. The listeners
 * take it from the PEM files of their settings, or from the application that manages it (ACME).
 */
public record ServerCertificate(PrivateKey key, List<X509Certificate> chain) {

    public ServerCertificate {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs its leaf");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** Whether {@code other} is the same key and chain (so nothing needs to change). */
    public boolean sameAs(ServerCertificate other) {
        if (other == null || other.chain.size() != chain.size()
                || !Arrays.equals(key.getEncoded(), other.key.getEncoded())) {
            return false;
        }
        try {
            for (int i = 0; i < chain.size(); i++) {
                if (!Arrays.equals(chain.get(i).getEncoded(), other.chain.get(i).getEncoded())) {
                    return false;
                }
            }
            return true;
        } catch (CertificateEncodingException e) {
            return false;
        }
    }
}
