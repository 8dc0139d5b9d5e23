package org.mailforge.smtp.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The server's certificate from a PEM certificate chain and a PEM private key (SMTP_TLS_CERT,
 * SMTP_TLS_KEY): as the SMTP listener's TLS context, and as the PKCS12 key store Liberty's HTTPS
 * endpoint for the API reads.
 */
public final class PemTls {

    /** TLS 1.2 and newer only. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private PemTls() {
    }

    public static SSLContext context(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
        char[] password = new char[0];
        KeyStore store = keyStore(certificateFile, keyFile, password);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** A PKCS12 key store in memory holding the key and its chain under the alias "server". */
    public static KeyStore keyStore(Path certificateFile, Path keyFile, char[] password) throws IOException, GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>();
        try (var in = Files.newInputStream(certificateFile)) {
            chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + certificateFile + " (SMTP_TLS_CERT)");
        }
        PrivateKey key = privateKey(keyFile);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
        return store;
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = pem.readObject(); object != null; object = pem.readObject()) {
                if (object instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        }
        throw new GeneralSecurityException("no unencrypted private key in " + keyFile + " (SMTP_TLS_KEY)");
    }
}
