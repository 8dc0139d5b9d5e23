package org.mailforge.smtp.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.mailforge.smtp.spi.ServerCertificate;

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
        return context(read(certificateFile, keyFile));
    }

    /** A server-side TLS context presenting {@code certificate}. */
    public static SSLContext context(ServerCertificate certificate) throws GeneralSecurityException {
        char[] password = new char[0];
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore(certificate, password), password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** A PKCS12 key store in memory holding the key and its chain under the alias "server". */
    public static KeyStore keyStore(Path certificateFile, Path keyFile, char[] password) throws IOException, GeneralSecurityException {
        return keyStore(read(certificateFile, keyFile), password);
    }

    public static KeyStore keyStore(ServerCertificate certificate, char[] password) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store", e);
        }
        store.setKeyEntry("server", certificate.key(), password, certificate.chain().toArray(Certificate[]::new));
        return store;
    }

    /** The certificate chain and key of a PEM pair (SMTP_TLS_CERT, SMTP_TLS_KEY). */
    public static ServerCertificate read(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
        ServerCertificate certificate;
        try (var in = Files.newInputStream(certificateFile)) {
            List<X509Certificate> chain = chain(in);
            if (chain.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + certificateFile + " (SMTP_TLS_CERT)");
            }
            certificate = new ServerCertificate(privateKey(keyFile), chain);
        }
        return certificate;
    }

    /** The certificate and key from PEM text, as {@link #chainPem} and {@link #keyPem} write them. */
    public static ServerCertificate parse(String chainPem, String keyPem) throws GeneralSecurityException {
        try {
            List<X509Certificate> chain = chain(new java.io.ByteArrayInputStream(chainPem.getBytes(StandardCharsets.US_ASCII)));
            if (chain.isEmpty()) {
                throw new GeneralSecurityException("no certificate in the stored chain");
            }
            return new ServerCertificate(privateKey(new StringReader(keyPem), "the stored key"), chain);
        } catch (IOException e) {
            throw new GeneralSecurityException("unreadable PEM: " + e.getMessage(), e);
        }
    }

    /** The chain as PEM, leaf first. */
    public static String chainPem(List<X509Certificate> chain) throws GeneralSecurityException {
        StringWriter out = new StringWriter();
        for (X509Certificate certificate : chain) {
            out.write(pem("CERTIFICATE", certificate.getEncoded()));
        }
        return out.toString();
    }

    /** A private key as unencrypted PKCS#8 PEM. */
    public static String keyPem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static List<X509Certificate> chain(java.io.InputStream in) throws GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            chain.add((X509Certificate) certificate);
        }
        return chain;
    }

    private static PrivateKey privateKey(Path keyFile) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII)) {
            return privateKey(reader, keyFile + " (SMTP_TLS_KEY)");
        }
    }

    private static PrivateKey privateKey(Reader reader, String what) throws IOException, GeneralSecurityException {
        try (PEMParser pem = new PEMParser(reader)) {
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
        throw new GeneralSecurityException("no unencrypted private key in " + what);
    }
}
