package org.mailforge.application.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.mailforge.smtp.settings.ListenerSetting;
import org.mailforge.smtp.settings.OperationsSetting;
import org.mailforge.smtp.settings.SettingsReader;
import org.mailforge.smtp.settings.StorageSetting;
import org.mailforge.smtp.settings.TrustSetting;

/**
 * The typed configuration of the server: every variable of the specification's configuration
 * table (and the few the issues add), read by name from MicroProfile Config, so environment
 * variables, server.env, server.xml variables and microprofile-config.properties all apply.
 */
public record ServerConfiguration(
        String host,
        int port,
        int maxConnections,
        long maxMessageSize,
        int maxRecipients,
        int timeoutSeconds,
        String hostname,
        List<String> localDomains,
        String dbPath,
        String dbUrl,
        String dbUser,
        String dbPassword,
        StorageType storageType,
        Path storagePath,
        String storageEncryptionKey,
        S3Configuration s3,
        LmtpConfiguration lmtp,
        boolean queueInS3,
        boolean tlsEnabled,
        String tlsCert,
        String tlsKey,
        boolean authEnabled,
        boolean rejectUnknownRecipients,
        int healthPort,
        int metricsPort,
        int apiHttpsPort,
        LogLevel logLevel,
        String adminUsername,
        String adminPassword,
        String adminEmail,
        OutboundConfiguration outbound,
        OperationsConfiguration operations,
        ScanningConfiguration scanning,
        DmarcEnforcement dmarcPolicy,
        String mtaStsMode,
        DirectoryConfiguration directory,
        TrustConfiguration trust,
        ScreeningConfiguration screening,
        GuardrailConfiguration guardrails) {

    public enum StorageType {
        MAILDIR, MBOX, DATABASE, S3, TIMESERIES, LMTP;

        /** Whether the mail itself lives off this machine's disk (the disk check then watches the queue). */
        public boolean remote() {
            return this == DATABASE || this == S3 || this == LMTP;
        }
    }

    /** The spec's log levels and the java.util.logging level each maps to. */
    public enum LogLevel {
        DEBUG(java.util.logging.Level.FINE), INFO(java.util.logging.Level.INFO),
        WARN(java.util.logging.Level.WARNING), ERROR(java.util.logging.Level.SEVERE);

        private final java.util.logging.Level julLevel;

        LogLevel(java.util.logging.Level julLevel) {
            this.julLevel = julLevel;
        }

        public java.util.logging.Level julLevel() {
            return julLevel;
        }
    }

    /**
     * Reads and validates the configuration.
     *
     * @param source looks a variable up by its exact name ({@code SMTP_PORT})
     * @throws InvalidConfigurationException naming every invalid variable
     */
    public static ServerConfiguration load(Function<String, Optional<String>> source) {
        SettingsReader in = new SettingsReader(source);
        StorageType storageType = StorageType.valueOf(in.word(StorageSetting.STORAGE_TYPE).toUpperCase(java.util.Locale.ROOT));
        boolean queueInS3 = "s3".equals(in.word(StorageSetting.QUEUE_STORAGE));
        String hostname = in.text(ListenerSetting.HOSTNAME);
        ServerConfiguration config = new ServerConfiguration(
                in.text(ListenerSetting.HOST),
                in.integer(ListenerSetting.PORT),
                in.integer(ListenerSetting.MAX_CONNECTIONS),
                in.number(ListenerSetting.MAX_MESSAGE_SIZE),
                in.integer(ListenerSetting.MAX_RECIPIENTS),
                in.integer(ListenerSetting.TIMEOUT_SECONDS),
                hostname,
                Arrays.stream(in.text(ListenerSetting.LOCAL_DOMAINS).split(","))
                        .map(String::strip).filter(d -> !d.isEmpty()).toList(),
                in.text(StorageSetting.DB_PATH),
                in.text(StorageSetting.DB_URL),
                in.text(StorageSetting.DB_USER),
                in.text(StorageSetting.DB_PASSWORD),
                storageType,
                Path.of(in.text(StorageSetting.STORAGE_PATH)),
                in.text(StorageSetting.STORAGE_ENCRYPTION_KEY),
                S3Configuration.load(in, storageType == StorageType.S3 || queueInS3),
                LmtpConfiguration.load(in),
                queueInS3,
                in.bool(ListenerSetting.TLS_ENABLED),
                blankAsNull(in.text(ListenerSetting.TLS_CERTIFICATE)),
                blankAsNull(in.text(ListenerSetting.TLS_KEY)),
                in.bool(ListenerSetting.AUTH_REQUIRED),
                in.bool(TrustSetting.REJECT_UNKNOWN_RECIPIENTS),
                in.integer(OperationsSetting.HEALTH_PORT),
                in.integer(OperationsSetting.METRICS_PORT),
                in.integer(OperationsSetting.API_HTTPS_PORT),
                LogLevel.valueOf(in.word(OperationsSetting.LOG_LEVEL).toUpperCase(java.util.Locale.ROOT)),
                in.text(OperationsSetting.ADMIN_USERNAME),
                in.text(OperationsSetting.ADMIN_PASSWORD),
                in.text(OperationsSetting.ADMIN_EMAIL),
                OutboundConfiguration.load(in),
                OperationsConfiguration.load(in),
                ScanningConfiguration.load(in),
                DmarcEnforcement.valueOf(in.word(TrustSetting.DMARC_POLICY).toUpperCase(java.util.Locale.ROOT)),
                in.word(TrustSetting.MTA_STS_MODE),
                DirectoryConfiguration.load(in),
                TrustConfiguration.load(in, hostname),
                ScreeningConfiguration.load(in),
                GuardrailConfiguration.load(in));
        in.require(config.healthPort() != config.metricsPort(),
                "SMTP_HEALTH_PORT and SMTP_METRICS_PORT must differ (both " + config.healthPort() + ")");
        in.require(config.port() != config.healthPort() && config.port() != config.metricsPort(),
                "SMTP_PORT must differ from SMTP_HEALTH_PORT and SMTP_METRICS_PORT");
        in.require(config.storageEncryptionKey() == null || isAesKey(config.storageEncryptionKey()),
                "SMTP_STORAGE_ENCRYPTION_KEY must be 32 octets in base64 (e.g. from: openssl rand -base64 32)");
        in.require(config.dbUrl() == null || config.dbUrl().startsWith("jdbc:postgresql:") || config.dbUrl().startsWith("jdbc:sqlite:"),
                "SMTP_DB_URL must be a jdbc:postgresql: or jdbc:sqlite: URL");
        in.require(config.adminUsername().matches("[a-z0-9][a-z0-9._-]{0,63}"),
                "SMTP_ADMIN_USERNAME must be 1-64 characters of a-z, 0-9, '.', '_' or '-'");
        in.require(config.adminPassword() == null || config.adminPassword().length() >= 8,
                "SMTP_ADMIN_PASSWORD must have at least 8 characters");
        in.require(config.apiHttpsPort() == 0 || (config.apiHttpsPort() != config.healthPort()
                        && config.apiHttpsPort() != config.metricsPort() && config.apiHttpsPort() != config.port()),
                "SMTP_API_HTTPS_PORT must differ from SMTP_PORT, SMTP_HEALTH_PORT and SMTP_METRICS_PORT");
        if (config.tlsEnabled() || config.apiHttpsPort() != 0) {
            requireReadable(in, "SMTP_TLS_CERT", config.tlsCert());
            requireReadable(in, "SMTP_TLS_KEY", config.tlsKey());
        }
        if (!in.problems().isEmpty()) {
            throw new InvalidConfigurationException(in.problems());
        }
        return config;
    }

    private static String blankAsNull(String value) {
        return value.isEmpty() ? null : value;
    }

    private static boolean isAesKey(String base64) {
        try {
            return java.util.Base64.getDecoder().decode(base64.strip()).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requireReadable(SettingsReader in, String variable, String file) {
        in.require(file != null && Files.isReadable(Path.of(file)),
                variable + " must name a readable PEM file when SMTP_ENABLE_TLS=true or SMTP_API_HTTPS_PORT is set (was '" + file + "')");
    }

    /** The administrator's address: SMTP_ADMIN_EMAIL, or the user name at the server's host name. */
    @Override
    public String adminEmail() {
        return adminEmail != null ? adminEmail : adminUsername + "@" + hostname;
    }

    /**
     * The domains mail is delivered to here, in A-label form, for {@code Domains.isLocal} (the same
     * rule the SMTP listener applies at RCPT). Computed on each call: callers keep it.
     */
    public java.util.Set<String> localDomainSet() {
        return org.mailforge.smtp.spi.Domains.localSet(hostname, localDomains);
    }

    /** The SQLite database file in use, or null when the database is not SQLite. */
    public Path sqliteFile() {
        if (dbUrl == null) {
            return Path.of(dbPath);
        }
        if (!dbUrl.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String file = dbUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        return Path.of(query < 0 ? file : file.substring(0, query));
    }

    /** Where the database is, for messages: never includes credentials. */
    public String describeDatabase() {
        return dbUrl != null ? dbUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***") : dbPath;
    }

    /** Secrets stay out of logs and error messages. */
    @Override
    public String toString() {
        return "ServerConfiguration[port=" + port + ", hostname=" + hostname + ", storage=" + storageType
                + " at " + describeStorage() + ", database=" + describeDatabase() + "]";
    }

    /** Where mail is stored, for messages: the bucket for S3, the LMTP service, else the storage path. */
    public String describeStorage() {
        return switch (storageType) {
            case S3 -> s3.toString();
            case LMTP -> lmtp.toString();
            default -> storagePath.toString();
        };
    }
}
