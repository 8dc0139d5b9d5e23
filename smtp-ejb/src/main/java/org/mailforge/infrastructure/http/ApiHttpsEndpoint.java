package org.mailforge.infrastructure.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.mailforge.application.certificates.ServerCertificates;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.smtp.spi.ServerCertificate;
import org.mailforge.smtp.tls.PemTls;

/**
 * HTTPS for the admin API on SMTP_API_HTTPS_PORT with the certificate SMTP uses (SMTP_TLS_CERT and
 * SMTP_TLS_KEY, PEM, or the one ACME got: {@link ServerCertificates}).
 *
 * <p>Liberty reads key stores, not PEM files, and opens an HTTPS port only with a key store that
 * exists when it reads its configuration. So this class converts the PEM pair into a PKCS12 key
 * store with a random password, then writes the endpoint, its SSL configuration and that key store
 * as a configuration drop-in; Liberty notices the drop-in and opens the port with our certificate
 * (never with its own generated one). Every 20 s the certificate is compared with what was
 * converted: a renewed certificate (ACME, certbot, cert-manager) is taken up without a restart. Without
 * SMTP_API_HTTPS_PORT the drop-in is removed and the API is plain HTTP only.
 */
@Singleton
@Startup
public class ApiHttpsEndpoint {

    private static final Logger LOG = Logger.getLogger(ApiHttpsEndpoint.class.getName());

    /** Written first into the drop-in: the digest of the PEM files it was made from. */
    private static final String DIGEST_MARK = "<!-- pem-sha256: ";

    @Inject
    ServerConfiguration configuration;

    @Inject
    ServerCertificates certificates;

    /** ${server.config.dir} and ${server.output.dir}, handed over by server.xml. */
    @Inject
    @ConfigProperty(name = "mailforge.liberty.config.dir")
    java.util.Optional<String> libertyConfigDir;

    @Inject
    @ConfigProperty(name = "mailforge.liberty.output.dir")
    java.util.Optional<String> libertyOutputDir;

    @PostConstruct
    void start() {
        if (libertyConfigDir.isEmpty() || libertyOutputDir.isEmpty()) {
            if (configuration.admin().apiHttpsPort() != 0) {
                throw new IllegalStateException("SMTP_API_HTTPS_PORT needs Open Liberty with Mailforge's server.xml"
                        + " (mailforge.liberty.config.dir is not set)");
            }
            return;
        }
        try {
            refresh();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("SMTP_API_HTTPS_PORT=" + configuration.admin().apiHttpsPort()
                    + ": cannot set up HTTPS from SMTP_TLS_CERT / SMTP_TLS_KEY: " + e.getMessage(), e);
        }
    }

    /** A renewed certificate (new PEM files, or a new one from ACME) replaces the old one within 20 s. */
    @Schedule(hour = "*", minute = "*", second = "7,27,47", persistent = false)
    void renew() {
        if (libertyConfigDir.isEmpty() || configuration.admin().apiHttpsPort() == 0) {
            return;
        }
        try {
            refresh();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // keep serving the certificate converted before; say why the new one is not taken up
            LOG.warning("HTTPS for the API keeps its current certificate: the new one cannot be used ("
                    + e.getMessage() + ")");
        }
    }

    /** This node stored a new certificate from ACME: HTTPS takes it now. */
    public void certificateChanged(@jakarta.enterprise.event.Observes org.mailforge.application.certificates.CertificateRenewal.CertificateChanged event) {
        renew();
    }

    private Path dropIn() {
        return Path.of(libertyConfigDir.orElseThrow(), "configDropins", "overrides", "mailforge-api-https.xml");
    }

    private Path keyStoreFile() {
        return Path.of(libertyOutputDir.orElseThrow(), "resources", "security", "mailforge-api-https.p12");
    }

    synchronized void refresh() throws IOException, GeneralSecurityException {
        Path dropIn = dropIn();
        if (configuration.admin().apiHttpsPort() == 0) {
            if (Files.deleteIfExists(dropIn)) {
                LOG.info("SMTP_API_HTTPS_PORT is not set: the API's HTTPS endpoint is removed");
            }
            Files.deleteIfExists(keyStoreFile());
            return;
        }
        Optional<ServerCertificate> current = certificates.current();
        if (current.isEmpty()) {
            if (certificates.fromFiles()) {
                throw new GeneralSecurityException("SMTP_TLS_CERT / SMTP_TLS_KEY cannot be read");
            }
            return; // ACME has not got the certificate yet: the HTTPS port opens when it has
        }
        ServerCertificate certificate = current.get();
        String digest = digest(certificate);
        String written = Files.exists(dropIn) && Files.exists(keyStoreFile()) ? Files.readString(dropIn) : "";
        if (written.contains(DIGEST_MARK + digest + " ") && written.contains("httpsPort=\"" + configuration.admin().apiHttpsPort() + "\"")) {
            return; // as converted before
        }
        char[] password = randomPassword();
        KeyStore store = PemTls.keyStore(certificate, password);
        writePrivately(keyStoreFile(), out -> store.store(out, password));
        String xml = DIGEST_MARK + digest + " (written by Mailforge from SMTP_API_HTTPS_PORT, SMTP_TLS_CERT, SMTP_TLS_KEY;"
                + " edits are overwritten) -->\n"
                + "<server>\n"
                + "    <keyStore id=\"mailforgeApiKeyStore\" type=\"PKCS12\" location=\"" + xmlText(keyStoreFile().toString())
                + "\" password=\"" + new String(password) + "\"/>\n"
                + "    <ssl id=\"mailforgeApiSSLConfig\" keyStoreRef=\"mailforgeApiKeyStore\" sslProtocol=\"TLSv1.2,TLSv1.3\"/>\n"
                + "    <sslOptions id=\"mailforgeApiSslOptions\" sslRef=\"mailforgeApiSSLConfig\"/>\n"
                + "    <httpEndpoint id=\"apiHttpsEndpoint\" host=\"*\" httpPort=\"-1\" httpsPort=\""
                + configuration.admin().apiHttpsPort() + "\" sslOptionsRef=\"mailforgeApiSslOptions\"/>\n"
                // merged into server.xml's api_host: the API's web module answers on this port too
                + "    <virtualHost id=\"api_host\" allowFromEndpointRef=\"apiHttpEndpoint,apiHttpsEndpoint\">\n"
                + "        <hostAlias>*:" + configuration.admin().apiHttpsPort() + "</hostAlias>\n"
                + "    </virtualHost>\n"
                + "</server>\n";
        writePrivately(dropIn, out -> out.write(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        LOG.info(() -> "API on HTTPS port " + configuration.admin().apiHttpsPort() + " with the certificate for "
                + certificate.leaf().getSubjectX500Principal().getName() + " (" + (certificates.fromFiles() ? configuration.listener().tlsCert()
                : "from ACME") + "), valid until " + certificate.notAfter());
    }

    private interface Writer {
        void write(OutputStream out) throws IOException, GeneralSecurityException;
    }

    /** Owner-only file, written beside its final name and renamed over it: Liberty never reads half a file. */
    private static void writePrivately(Path file, Writer writer) throws IOException, GeneralSecurityException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary);
        }
        try (OutputStream out = Files.newOutputStream(temporary)) {
            writer.write(out);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String digest(ServerCertificate certificate) throws GeneralSecurityException {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (java.security.cert.X509Certificate link : certificate.chain()) {
            sha256.update(link.getEncoded());
        }
        sha256.update((byte) 0);
        sha256.update(certificate.key().getEncoded());
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static char[] randomPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random).toCharArray();
    }

    private static String xmlText(String text) {
        return text.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }
}
