package org.mailforge.application.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ServerConfigurationTest {

    private static ServerConfiguration load(Map<String, String> values) {
        return ServerConfiguration.load(name -> Optional.ofNullable(values.get(name)));
    }

    @Test
    void defaultsFollowTheSpecification() {
        ServerConfiguration config = load(Map.of());
        assertEquals(2525, config.listener().port());
        assertEquals("0.0.0.0", config.listener().host());
        assertEquals(100, config.listener().maxConnections());
        assertEquals(52_428_800L, config.listener().maxMessageSize());
        assertEquals(300, config.listener().timeoutSeconds());
        assertEquals("localhost", config.listener().hostname());
        assertEquals("smtp.db", config.storage().dbPath());
        assertEquals(StorageConfiguration.StorageType.MAILDIR, config.storage().type());
        assertEquals(Path.of("/var/mail"), config.storage().path());
        assertFalse(config.listener().tlsEnabled());
        assertTrue(config.listener().authEnabled());
        assertEquals(8080, config.admin().healthPort());
        assertEquals(8081, config.admin().metricsPort());
        assertEquals(AdminConfiguration.LogLevel.INFO, config.admin().logLevel());
        assertEquals(783, config.scanning().spamAssassinPort());
        assertEquals(3310, config.scanning().clamAvPort());
    }

    @Test
    void readsOverrides() {
        ServerConfiguration config = load(Map.of("SMTP_PORT", "25", "SMTP_LOCAL_DOMAINS", "a.test, b.test ,",
                "SMTP_STORAGE_TYPE", "MBOX", "SMTP_LOG_LEVEL", "debug", "SMTP_ENABLE_AUTH", "false"));
        assertEquals(25, config.listener().port());
        assertEquals(List.of("a.test", "b.test"), config.listener().localDomains());
        assertEquals(StorageConfiguration.StorageType.MBOX, config.storage().type());
        assertEquals(AdminConfiguration.LogLevel.DEBUG, config.admin().logLevel());
        assertFalse(config.listener().authEnabled());
    }

    @Test
    void invalidValuesFailNamingEveryVariable() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> load(Map.of(
                "SMTP_PORT", "abc", "SMTP_MAX_CONNECTIONS", "0", "SMTP_ENABLE_TLS", "maybe",
                "SMTP_STORAGE_TYPE", "floppy", "SMTP_LOG_LEVEL", "loud", "SMTP_CLAMAV_PORT", "70000")));
        for (String variable : List.of("SMTP_PORT", "SMTP_MAX_CONNECTIONS", "SMTP_ENABLE_TLS", "SMTP_STORAGE_TYPE",
                "SMTP_LOG_LEVEL", "SMTP_CLAMAV_PORT")) {
            assertTrue(e.getMessage().contains(variable), variable + " in " + e.getMessage());
        }
    }

    @Test
    void tlsNeedsReadableFiles() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("SMTP_ENABLE_TLS", "true", "SMTP_TLS_CERT", "/nonexistent/cert.pem")));
        assertTrue(e.getMessage().contains("SMTP_TLS_CERT"));
        assertTrue(e.getMessage().contains("SMTP_TLS_KEY"));
    }

    @Test
    void httpsForTheApiNeedsTheCertificateAndItsOwnPort() {
        assertEquals(0, load(Map.of()).admin().apiHttpsPort(), "off unless asked for");
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("SMTP_API_HTTPS_PORT", "8443")));
        assertTrue(e.getMessage().contains("SMTP_TLS_CERT") && e.getMessage().contains("SMTP_TLS_KEY"), e.getMessage());
        e = assertThrows(InvalidConfigurationException.class, () -> load(Map.of("SMTP_API_HTTPS_PORT", "8080")));
        assertTrue(e.getMessage().contains("SMTP_API_HTTPS_PORT must differ"), e.getMessage());
    }

    @Test
    void portsMustNotCollide() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("SMTP_HEALTH_PORT", "9000", "SMTP_METRICS_PORT", "9000")));
        assertTrue(e.getMessage().contains("SMTP_HEALTH_PORT and SMTP_METRICS_PORT must differ"));
    }

    @Test
    void failedQueueEntriesAreKeptForAWeekUnlessConfigured() {
        assertEquals(java.time.Duration.ofDays(7), load(Map.of()).outbound().failedRetention());
        assertEquals(java.time.Duration.ofHours(12), load(Map.of("SMTP_QUEUE_FAILED_RETENTION", "12h")).outbound().failedRetention());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("SMTP_QUEUE_FAILED_RETENTION", "1h,2h")));
        assertTrue(e.getMessage().contains("SMTP_QUEUE_FAILED_RETENTION must be one duration"), e.getMessage());
    }

    @Test
    void s3StorageNeedsABucketAndBothKeys() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> load(Map.of("SMTP_STORAGE_TYPE", "s3", "SMTP_S3_ACCESS_KEY", "AKIA", "SMTP_S3_ENDPOINT", "ftp://x")));
        assertTrue(e.getMessage().contains("SMTP_S3_BUCKET must name an existing bucket"), e.getMessage());
        assertTrue(e.getMessage().contains("SMTP_S3_ACCESS_KEY and SMTP_S3_SECRET_KEY go together"), e.getMessage());
        assertTrue(e.getMessage().contains("SMTP_S3_ENDPOINT must be an http:// or https:// URL"), e.getMessage());
        ServerConfiguration config = load(Map.of("SMTP_STORAGE_TYPE", "s3", "SMTP_S3_BUCKET", "mail-archive",
                "SMTP_S3_ENDPOINT", "http://127.0.0.1:9000", "SMTP_S3_SECRET_KEY", "very-secret", "SMTP_S3_ACCESS_KEY", "k"));
        assertTrue(config.storage().s3().pathStyle(), "an endpoint override means an S3-compatible store: path-style addressing");
        assertEquals(16L << 20, config.storage().s3().multipartThreshold());
        assertTrue(!config.toString().contains("very-secret") && config.toString().contains("s3://mail-archive"), config.toString());
    }
}
