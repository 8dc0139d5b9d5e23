package org.mailforge.smtp.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;

import org.mailforge.smtp.spi.ServerCertificate;

/**
 * The listeners' TLS, which can change while they run: a renewed certificate is taken by the next
 * handshake ({@link #refresh()}, called periodically), while sessions already in TLS keep theirs.
 * It comes from the PEM files of the settings (read again when their content changes), or from the
 * application that manages the certificate (ACME), which may have none yet: then STARTTLS is not
 * offered and the implicit-TLS port closes connections until it has.
 */
public final class ServerTls {

    private static final Logger LOG = Logger.getLogger(ServerTls.class.getName());

    private final boolean configured;
    private final Supplier<ServerCertificate> source;
    private final Path certificateFile;
    private final Path keyFile;
    private volatile SSLContext context;
    private ServerCertificate current;
    private byte[] filesDigest;
    private String lastProblem;

    private ServerTls(boolean configured, Supplier<ServerCertificate> source, Path certificateFile, Path keyFile) {
        this.configured = configured;
        this.source = source;
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
    }

    /** No TLS. */
    public static ServerTls off() {
        return new ServerTls(false, null, null, null);
    }

    /**
     * The PEM pair of the settings, read now (a problem here is a configuration error) and again
     * by {@link #refresh()} whenever the files' content has changed.
     */
    public static ServerTls fromPem(Path certificateFile, Path keyFile) throws IOException, GeneralSecurityException {
        ServerTls tls = new ServerTls(true, null, certificateFile, keyFile);
        byte[] digest = digest(certificateFile, keyFile);
        tls.use(PemTls.read(certificateFile, keyFile));
        tls.filesDigest = digest;
        return tls;
    }

    /**
     * The certificate the application manages: {@code source} answers it, or null while there is
     * none yet; asked at each {@link #refresh()} (the first one soon after the listeners start).
     */
    public static ServerTls fromApplication(Supplier<ServerCertificate> source) {
        return new ServerTls(true, source, null, null);
    }

    /** Whether TLS is configured here, even if its certificate has not arrived yet. */
    public boolean configured() {
        return configured;
    }

    /** The context for the next handshake, or null while there is no certificate. */
    public SSLContext context() {
        return context;
    }

    /** The certificate in use, or null. */
    public synchronized ServerCertificate certificate() {
        return current;
    }

    /**
     * Takes up a changed certificate. A certificate that cannot be used is reported (once) and the
     * one in use is kept; never throws.
     */
    public synchronized void refresh() {
        if (!configured) {
            return;
        }
        try {
            if (source != null) {
                ServerCertificate offered = source.get();
                if (offered != null && !offered.sameAs(current)) {
                    use(offered);
                    LOG.info(() -> "SMTP listeners: TLS certificate for " + current.leaf().getSubjectX500Principal().getName()
                            + ", valid until " + current.notAfter());
                }
            } else {
                byte[] digest = digest(certificateFile, keyFile);
                if (!Arrays.equals(digest, filesDigest)) {
                    use(PemTls.read(certificateFile, keyFile));
                    filesDigest = digest;
                    LOG.info(() -> "SMTP listeners: the certificate of " + certificateFile + " changed; new handshakes use it (valid until "
                            + current.notAfter() + ")");
                }
            }
            lastProblem = null;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String problem = e.getMessage();
            if (!String.valueOf(problem).equals(lastProblem)) {
                lastProblem = String.valueOf(problem);
                LOG.warning("SMTP listeners keep their TLS certificate: the new one cannot be used (" + problem + ")");
            }
        }
    }

    private void use(ServerCertificate certificate) throws GeneralSecurityException {
        matchingPair(certificate);
        SSLContext next = PemTls.context(certificate);
        current = certificate;
        context = next;
    }

    /** A key that does not belong to the leaf (a renewal caught half-written) would fail every handshake. */
    static void matchingPair(ServerCertificate certificate) throws GeneralSecurityException {
        String algorithm = switch (certificate.key().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return; // an unusual key type: the handshake will tell
        }
        byte[] probe = "mailforge key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(certificate.key());
        signer.update(probe);
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
        verifier.initVerify(certificate.leaf().getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("the private key does not belong to the certificate");
        }
    }

    private static byte[] digest(Path certificate, Path key) throws IOException, GeneralSecurityException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(Files.readAllBytes(certificate));
        sha256.update((byte) 0);
        sha256.update(Files.readAllBytes(key));
        return sha256.digest();
    }
}
