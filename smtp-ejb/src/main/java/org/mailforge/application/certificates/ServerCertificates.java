package org.mailforge.application.certificates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.KeySealing;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.smtp.spi.ServerCertificate;
import org.mailforge.smtp.tls.PemTls;

/**
 * The server's certificate, wherever it comes from: the PEM files of SMTP_TLS_CERT and
 * SMTP_TLS_KEY when they are set, otherwise the one ACME got ({@link CertificateRenewal}), read
 * from the database every node shares. The listeners and the API's HTTPS port ask here.
 */
@ApplicationScoped
public class ServerCertificates {

    private static final Logger LOG = Logger.getLogger(ServerCertificates.class.getName());
    /** How long a node trusts its copy of the stored certificate before it looks again. */
    static final Duration STORE_CHECK = Duration.ofSeconds(10);

    private ServerConfiguration configuration;
    private CertificateStore store;
    private KeySealing sealing;
    private Clock clock;
    private Instant checked = Instant.EPOCH;
    private Instant obtainedAt;
    private ServerCertificate stored;
    private String problem;
    private String filesStamp;
    private ServerCertificate filesCertificate;

    protected ServerCertificates() {
        // for CDI's client proxy
    }

    @Inject
    public ServerCertificates(ServerConfiguration configuration, CertificateStore store, KeySealing sealing) {
        this(configuration, store, sealing, Clock.systemUTC());
    }

    ServerCertificates(ServerConfiguration configuration, CertificateStore store, KeySealing sealing, Clock clock) {
        this.configuration = configuration;
        this.store = store;
        this.sealing = sealing;
        this.clock = clock;
    }

    /** Whether the PEM files of the settings give the certificate. */
    public boolean fromFiles() {
        return configuration.listener().tlsCert() != null;
    }

    /** The certificate to serve now, if there is one yet. */
    public Optional<ServerCertificate> current() {
        if (fromFiles()) {
            return Optional.ofNullable(files());
        }
        return configuration.certificateFromAcme() ? Optional.ofNullable(stored()) : Optional.empty();
    }

    /**
     * The PEM pair, parsed again only when a file's modification time or size changed (the metrics
     * gauge asks at every scrape, HTTPS every 20 s).
     */
    private synchronized ServerCertificate files() {
        Path certificate = Path.of(configuration.listener().tlsCert());
        Path key = Path.of(configuration.listener().tlsKey());
        try {
            String stamp = java.nio.file.Files.getLastModifiedTime(certificate) + "/" + java.nio.file.Files.size(certificate) + "/"
                    + java.nio.file.Files.getLastModifiedTime(key) + "/" + java.nio.file.Files.size(key);
            if (!stamp.equals(filesStamp)) {
                filesCertificate = PemTls.read(certificate, key);
                filesStamp = stamp;
            }
            return filesCertificate;
        } catch (IOException | GeneralSecurityException e) {
            LOG.warning("SMTP_TLS_CERT / SMTP_TLS_KEY cannot be read: " + e.getMessage());
            return null;
        }
    }

    /** The certificate ACME got, re-read from the database at most every {@link #STORE_CHECK}. */
    synchronized ServerCertificate stored() {
        Instant now = clock.instant();
        if (now.isBefore(checked.plus(STORE_CHECK))) {
            return stored;
        }
        checked = now;
        try {
            Optional<CertificateStore.StoredCertificate> row = store.certificate();
            if (row.isPresent() && !row.get().obtainedAt().equals(obtainedAt)) {
                stored = PemTls.parse(row.get().chainPem(), openKey(row.get().sealedKey()));
                obtainedAt = row.get().obtainedAt();
            }
            problem = null;
        } catch (GeneralSecurityException | RuntimeException e) {
            String text = String.valueOf(e.getMessage());
            if (!text.equals(problem)) { // once, not every 10 s (a node with another SMTP_STORAGE_ENCRYPTION_KEY)
                problem = text;
                LOG.warning("the stored certificate cannot be read (keeping the one in use): " + text);
            }
        }
        return stored;
    }

    /** Forgets the copy: the next question reads the database (after this node stored a new one). */
    synchronized void forget() {
        checked = Instant.EPOCH;
    }

    String sealKey(PrivateKey key) {
        return sealing.seal(PemTls.keyPem(key).getBytes(StandardCharsets.US_ASCII));
    }

    String openKey(String sealed) throws GeneralSecurityException {
        return new String(sealing.open(sealed), StandardCharsets.US_ASCII);
    }
}
