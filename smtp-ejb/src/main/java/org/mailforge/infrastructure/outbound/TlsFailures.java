package org.mailforge.infrastructure.outbound;

import java.io.IOException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.mailforge.application.common.LogText;
import org.mailforge.application.outbound.tlsreport.TlsSession;
import org.mailforge.domain.outbound.MtaStsPolicy;

/** A failed TLS session in the terms of a TLS report (RFC 8460 4.3.2). */
final class TlsFailures {

    private TlsFailures() {
    }

    /** The result type of a failed handshake: under DANE the TLSA records did not match; else what the Web PKI refused. */
    static String resultType(IOException failure, boolean dane) {
        boolean certificate = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException) {
                return dane ? "tlsa-invalid" : "certificate-expired";
            }
            String message = String.valueOf(cause.getMessage());
            if (!dane && (message.contains("No subject alternative") || message.contains("No name matching"))) {
                return "certificate-host-mismatch";
            }
            certificate |= cause instanceof java.security.cert.CertificateException || cause instanceof CertPathValidatorException;
        }
        return certificate ? dane ? "tlsa-invalid" : "certificate-not-trusted" : "validation-failure";
    }

    /**
     * The report's words for a failed handshake: fixed ones by result type, never the exception's
     * own text (which can carry internal state, addresses or times, and would make every failure
     * a row of its own).
     */
    static String detail(String resultType) {
        return switch (resultType) {
            case "certificate-expired" -> "the certificate has expired or is not yet valid";
            case "certificate-host-mismatch" -> "the certificate does not carry the MX host's name";
            case "certificate-not-trusted" -> "the certificate does not chain to a trusted authority";
            case "tlsa-invalid" -> "the certificate matches none of the MX host's TLSA records";
            default -> "the TLS handshake failed";
        };
    }

    /**
     * Under an MTA-STS policy in mode testing the mail goes out over whatever TLS the host has; the
     * report still says what enforcing would have refused: an MX host the policy does not name, a
     * certificate the trust anchors do not verify, or one without the host's name.
     */
    static TlsSession observe(TlsSession session, SSLSocket tls, String host, MtaStsPolicy policy, X509TrustManager anchors) {
        if (policy != null && !policy.allows(host)) {
            return session.failed("validation-failure", "the MX host is not named by the MTA-STS policy");
        }
        X509Certificate[] chain;
        try {
            Certificate[] peer = tls.getSession().getPeerCertificates();
            chain = Arrays.stream(peer).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException | ClassCastException e) {
            return session.failed("certificate-not-trusted", "no certificate");
        }
        try {
            anchors.checkServerTrusted(chain, "UNKNOWN");
        } catch (java.security.cert.CertificateException e) {
            String type = resultType(new SSLException(e), false);
            return session.failed(type, detail(type));
        }
        try {
            new DefaultHostnameVerifier().verify(host, chain[0]);
        } catch (SSLException e) {
            return session.failed("certificate-host-mismatch", detail("certificate-host-mismatch"));
        }
        return session;
    }
}
