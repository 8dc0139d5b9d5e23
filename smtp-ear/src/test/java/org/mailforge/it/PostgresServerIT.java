package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.stream.Stream;

import jakarta.json.Json;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The same EAR on a second Liberty server whose database is a real PostgreSQL (SMTP_DB_URL) and
 * whose storage is the encrypted timeseries layout: users, authentication and delivery work
 * unchanged, the rows are where an independent JDBC reader expects them, and the stored file is
 * ciphertext that user-cli decrypts back to the message.
 */
class PostgresServerIT {

    private static final int SMTP_PORT = TestPorts.port(1825);
    private static final int HTTP_PORT = TestPorts.port(1880);
    private static final String SERVER = "mailforgePG";

    private static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    private static EmbeddedPostgres postgres;
    private static Path data;

    private static ExtraServer server;

    @BeforeAll
    static void startServerOnPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        data = TestServer.DATA.resolveSibling("it-data-postgres");
        ExtraServer.deleteTree(data);
        server = new ExtraServer(SERVER, ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), java.util.List.of(
                "SMTP_DB_URL=jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                "SMTP_DB_USER=postgres",
                "SMTP_DB_PASSWORD=postgres",
                "SMTP_DB_POOL_SIZE=10",
                "SMTP_STORAGE_TYPE=timeseries",
                "SMTP_STORAGE_ENCRYPTION_KEY=" + ENCRYPTION_KEY,
                "SMTP_ENABLE_AUTH=true",
                "SMTP_ADMIN_USERNAME=pgadmin",
                "SMTP_ADMIN_PASSWORD=pg-admin-password"));
        server.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            server.stop();
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static HttpResponse<String> api(String method, String path, String json) throws Exception {
        return TestServer.api(HTTP_PORT, method, path, json, "pgadmin", "pg-admin-password");
    }

    @Test
    void usersAuthenticationAndDeliveryOnPostgresql() throws Exception {
        HttpResponse<String> created = api("POST", "/api/users",
                "{\"username\":\"pguser\",\"email\":\"pguser@example.test\",\"password\":\"Pg-User-Pass1\",\"quota_mb\":50}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(409, api("POST", "/api/users",
                "{\"username\":\"pguser\",\"email\":\"x@example.test\",\"password\":\"Pg-User-Pass1\"}").statusCode());

        try (SmtpConnection smtp = new SmtpConnection("127.0.0.1", SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO pg.example");
            assertEquals("530 5.7.0 Error: authentication required", smtp.command("MAIL FROM:<someone@example.org>"));
            String credentials = Base64.getEncoder().encodeToString("\0pguser\0Pg-User-Pass1".getBytes(StandardCharsets.UTF_8));
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + credentials));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<pguser@example.test>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<PGUser@example.test>"));
            smtp.command("DATA");
            smtp.send("Subject: stored on PostgreSQL\r\n\r\nhello\r\n.\r\n");
            assertTrue(smtp.reply().startsWith("250 2.0.0 "));
        }

        var user = Json.createReader(new StringReader(api("GET", "/api/users/pguser", null).body())).readObject();
        assertEquals(1, user.getJsonObject("statistics").getInt("messages_received"));
        Path stored;
        try (Stream<Path> files = Files.walk(data.resolve("mail"))) {
            stored = files.filter(f -> f.getFileName().toString().matches("msg_[a-z0-9]{16}\\.eml")).findFirst().orElseThrow();
        }
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertEquals(data.resolve("mail").resolve(String.format("%04d/%02d/%02d", today.getYear(), today.getMonthValue(),
                today.getDayOfMonth())), stored.getParent());
        assertTrue(new String(Files.readAllBytes(stored), StandardCharsets.ISO_8859_1).startsWith("MAILFORGE-AES256GCM-1\n"));
        UserCliProcess.Result decrypted = UserCliProcess.run(java.util.Map.of("SMTP_STORAGE_ENCRYPTION_KEY", ENCRYPTION_KEY),
                "decrypt", stored.toString());
        String plaintext = decrypted.output();
        assertEquals(0, decrypted.status(), plaintext);
        assertTrue(plaintext.startsWith("Return-Path: <pguser@example.test>\r\nReceived: from pg.example "), plaintext);
        assertTrue(plaintext.endsWith("Subject: stored on PostgreSQL\r\n\r\nhello\r\n"), plaintext);

        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", "postgres");
             ResultSet rows = db.createStatement().executeQuery(
                     "SELECT u.username, u.last_login IS NOT NULL, u.used_bytes, COUNT(m.id) FROM users u "
                             + "LEFT JOIN stored_messages m ON m.mailbox = u.email WHERE u.username = 'pguser' "
                             + "GROUP BY u.username, u.last_login, u.used_bytes")) {
            assertTrue(rows.next());
            assertTrue(rows.getBoolean(2), "last_login recorded");
            assertTrue(rows.getLong(3) > 0, "used space counted");
            assertEquals(1, rows.getLong(4));
        }

        assertEquals(200, api("DELETE", "/api/users/pguser", null).statusCode());
        assertEquals(404, api("GET", "/api/users/pguser", null).statusCode());
        assertTrue(Files.notExists(stored), "deleting the user deleted its archived mail through the index");
    }
}
