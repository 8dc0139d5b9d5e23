package org.mailforge.application.config;

import java.nio.file.Path;

import org.mailforge.smtp.settings.SettingsReader;
import org.mailforge.smtp.settings.StorageSetting;

/**
 * Where mail, the database and the queue's content live: the catalogue's {@link StorageSetting}
 * area (the messaging engine's settings are Liberty's alone).
 *
 * @param type          {@code SMTP_STORAGE_TYPE}
 * @param path          {@code SMTP_STORAGE_PATH}: the root of the file stores
 * @param encryptionKey {@code SMTP_STORAGE_ENCRYPTION_KEY}, or null
 * @param dbUrl         {@code SMTP_DB_URL}, or null for SQLite at {@code dbPath}
 * @param queueInS3     {@code SMTP_QUEUE_STORAGE=s3}
 */
public record StorageConfiguration(StorageType type, Path path, String encryptionKey, String dbPath, String dbUrl, String dbUser,
        String dbPassword, S3Configuration s3, LmtpConfiguration lmtp, boolean queueInS3) {

    public enum StorageType {
        MAILDIR, MBOX, DATABASE, S3, TIMESERIES, LMTP;

        /** Whether the mail itself lives off this machine's disk (the disk check then watches the queue). */
        public boolean remote() {
            return this == DATABASE || this == S3 || this == LMTP;
        }
    }

    static StorageConfiguration load(SettingsReader in) {
        StorageType type = StorageType.valueOf(in.word(StorageSetting.STORAGE_TYPE).toUpperCase(java.util.Locale.ROOT));
        boolean queueInS3 = "s3".equals(in.word(StorageSetting.QUEUE_STORAGE));
        StorageConfiguration config = new StorageConfiguration(
                type,
                Path.of(in.text(StorageSetting.STORAGE_PATH)),
                in.text(StorageSetting.STORAGE_ENCRYPTION_KEY),
                in.text(StorageSetting.DB_PATH),
                in.text(StorageSetting.DB_URL),
                in.text(StorageSetting.DB_USER),
                in.text(StorageSetting.DB_PASSWORD),
                S3Configuration.load(in, type == StorageType.S3 || queueInS3),
                LmtpConfiguration.load(in),
                queueInS3);
        in.require(config.encryptionKey() == null || isAesKey(config.encryptionKey()),
                "SMTP_STORAGE_ENCRYPTION_KEY must be 32 octets in base64 (e.g. from: openssl rand -base64 32)");
        in.require(config.dbUrl() == null || config.dbUrl().startsWith("jdbc:postgresql:") || config.dbUrl().startsWith("jdbc:sqlite:"),
                "SMTP_DB_URL must be a jdbc:postgresql: or jdbc:sqlite: URL");
        return config;
    }

    private static boolean isAesKey(String base64) {
        try {
            return java.util.Base64.getDecoder().decode(base64.strip()).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
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

    /** Where mail is stored, for messages: the bucket for S3, the LMTP service, else the storage path. */
    public String describeStorage() {
        return switch (type) {
            case S3 -> s3.toString();
            case LMTP -> lmtp.toString();
            default -> path.toString();
        };
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "StorageConfiguration[" + type + " at " + describeStorage() + ", database=" + describeDatabase() + "]";
    }
}
