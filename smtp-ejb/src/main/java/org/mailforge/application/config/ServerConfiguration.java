package org.mailforge.application.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

import org.mailforge.smtp.settings.SettingsReader;

/**
 * The typed configuration of the server, one record per area of the settings catalogue
 * ({@code org.mailforge.smtp.settings}), read by name from MicroProfile Config, so environment
 * variables, server.env, server.xml variables and microprofile-config.properties all apply.
 */
public record ServerConfiguration(
        ListenerConfiguration listener,
        StorageConfiguration storage,
        AdminConfiguration admin,
        OutboundConfiguration outbound,
        OperationsConfiguration operations,
        ScanningConfiguration scanning,
        DirectoryConfiguration directory,
        TrustConfiguration trust,
        ScreeningConfiguration screening,
        GuardrailConfiguration guardrails,
        CertificateConfiguration certificates) {

    /**
     * Reads and validates the configuration.
     *
     * @param source looks a variable up by its exact name ({@code SMTP_PORT})
     * @throws InvalidConfigurationException naming every invalid variable
     */
    public static ServerConfiguration load(Function<String, Optional<String>> source) {
        SettingsReader in = new SettingsReader(source);
        ListenerConfiguration listener = ListenerConfiguration.load(in);
        ServerConfiguration config = new ServerConfiguration(
                listener,
                StorageConfiguration.load(in),
                AdminConfiguration.load(in, listener.hostname()),
                OutboundConfiguration.load(in),
                OperationsConfiguration.load(in),
                ScanningConfiguration.load(in),
                DirectoryConfiguration.load(in),
                TrustConfiguration.load(in, listener.hostname()),
                ScreeningConfiguration.load(in),
                GuardrailConfiguration.load(in),
                CertificateConfiguration.load(in, listener.hostname()));
        AdminConfiguration admin = config.admin();
        in.require(listener.port() != admin.healthPort() && listener.port() != admin.metricsPort(),
                "SMTP_PORT must differ from SMTP_HEALTH_PORT and SMTP_METRICS_PORT");
        in.require(admin.apiHttpsPort() == 0 || (admin.apiHttpsPort() != admin.healthPort()
                        && admin.apiHttpsPort() != admin.metricsPort() && admin.apiHttpsPort() != listener.port()),
                "SMTP_API_HTTPS_PORT must differ from SMTP_PORT, SMTP_HEALTH_PORT and SMTP_METRICS_PORT");
        boolean pemFiles = listener.tlsCert() != null || listener.tlsKey() != null;
        if ((listener.tlsEnabled() || admin.apiHttpsPort() != 0) && (pemFiles || !config.certificates().acme())) {
            requireReadable(in, "SMTP_TLS_CERT", listener.tlsCert());
            requireReadable(in, "SMTP_TLS_KEY", listener.tlsKey());
        }
        if (!in.problems().isEmpty()) {
            throw new InvalidConfigurationException(in.problems());
        }
        return config;
    }

    private static void requireReadable(SettingsReader in, String variable, String file) {
        in.require(file != null && Files.isReadable(Path.of(file)),
                variable + " must name a readable PEM file when SMTP_ENABLE_TLS=true or SMTP_API_HTTPS_PORT is set"
                        + " (unless both are empty and SMTP_ACME_DIRECTORY gets the certificate; was '" + file + "')");
    }

    /** Whether the server's certificate comes from ACME: an authority is configured and no PEM files are. */
    public boolean certificateFromAcme() {
        return certificates.acme() && listener.tlsCert() == null && listener.tlsKey() == null;
    }

    /** Secrets stay out of logs and error messages. */
    @Override
    public String toString() {
        return "ServerConfiguration[port=" + listener.port() + ", hostname=" + listener.hostname() + ", storage=" + storage.type()
                + " at " + storage.describeStorage() + ", database=" + storage.describeDatabase() + "]";
    }
}
