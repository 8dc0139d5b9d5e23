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

    /** The DNS names the leaf carries (its subjectAltName dNSName entries), lower case. */
    public List<String> dnsNames() {
        List<String> names = new java.util.ArrayList<>();
        try {
            if (leaf().getSubjectAlternativeNames() != null) {
                for (List<?> entry : leaf().getSubjectAlternativeNames()) {
                    if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)).toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // an unreadable extension: no names
        }
        return List.copyOf(names);
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
