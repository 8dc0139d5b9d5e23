package org.mailforge.infrastructure.outbound;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates verified TLS trusts: the JDK's own trust store, plus the PEM file of
 * {@code SMTP_OUTBOUND_CA_FILE} when set (a private CA, as Postfix's {@code smtp_tls_CAfile}).
 * Used for {@code SMTP_OUTBOUND_TLS=encrypt}, MTA-STS hosts and MTA-STS policy fetches.
 */
final class TrustAnchors {

    private TrustAnchors() {
    }

    static SSLContext context(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS: " + e.getMessage(), e);
        }
    }

    /** The JDK's anchors and those of the file (null: the JDK's only). */
    static X509TrustManager trustManager(Path caFile) {
        try {
            return anchors(caFile);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("SMTP_OUTBOUND_CA_FILE=" + caFile + " cannot be used: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager anchors(Path caFile) throws GeneralSecurityException, IOException {
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        if (caFile == null) {
            return (X509TrustManager) jdk.getTrustManagers()[0];
        }
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int n = 0;
        for (X509Certificate certificate : ((X509TrustManager) jdk.getTrustManagers()[0]).getAcceptedIssuers()) {
            anchors.setCertificateEntry("jdk-" + n++, certificate);
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.setCertificateEntry("ca-file-" + n++, certificate);
            }
        }
        TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        combined.init(anchors);
        return (X509TrustManager) combined.getTrustManagers()[0];
    }
}
