package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
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

    private static final int SMTP_PORT = 22525;
    private static final int HTTP_PORT = 28080;
    private static final String SERVER = "mailforgePG";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final String ENCRYPTION_KEY = Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    private static EmbeddedPostgres postgres;
    private static Path wlp;
    private static Path data;

    @BeforeAll
    static void startServerOnPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        wlp = Path.of(System.getProperty("it.wlp.home"));
        Path template = wlp.resolve("usr/servers/" + System.getProperty("it.server.name"));
        Path server = wlp.resolve("usr/servers/" + SERVER);
        deleteTree(server);
        Files.createDirectories(server);
        Files.copy(template.resolve("server.xml"), server.resolve("server.xml"));
        for (String folder : new String[] {"lib", "apps"}) {
            try (Stream<Path> files = Files.list(template.resolve(folder))) {
                Files.createDirectories(server.resolve(folder));
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, server.resolve(folder).resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        data = TestServer.DATA.resolveSibling("it-data-postgres");
        deleteTree(data);
        Files.writeString(server.resolve("server.env"), String.join("\n",
                "SMTP_HOST=127.0.0.1",
                "SMTP_PORT=" + SMTP_PORT,
                "SMTP_HEALTH_PORT=" + HTTP_PORT,
                "SMTP_METRICS_PORT=" + (HTTP_PORT + 1),
                "SMTP_STORAGE_PATH=" + data.resolve("mail"),
                "SMTP_SPOOL_PATH=" + data.resolve("spool"),
                "SMTP_DB_URL=jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                "SMTP_DB_USER=postgres",
                "SMTP_DB_PASSWORD=postgres",
                "SMTP_DB_POOL_SIZE=10",
                "SMTP_STORAGE_TYPE=timeseries",
                "SMTP_STORAGE_ENCRYPTION_KEY=" + ENCRYPTION_KEY,
                "SMTP_LOCAL_DOMAINS=example.test",
                "SMTP_ENABLE_AUTH=true",
                "SMTP_ADMIN_USERNAME=pgadmin",
                "SMTP_ADMIN_PASSWORD=pg-admin-password",
                ""));
        assertEquals(0, liberty("start"), "server start");
        waitForApplication(server.resolve("logs/messages.log"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            liberty("stop");
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static int liberty(String action) throws Exception {
        Process process = new ProcessBuilder(wlp.resolve("bin/server").toString(), action, SERVER)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "server " + action + " finished");
        return process.exitValue();
    }

    private static void waitForApplication(Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains("CWWKZ0001I") && text.contains("SMTP listener ready")) {
                return;
            }
            if (text.contains("CWWKZ0002E") || text.contains("CWWKZ0106E")) {
                throw new AssertionError("the application failed to start on PostgreSQL; see " + log);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the application did not start within 180 s; see " + log);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static HttpResponse<String> api(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("pgadmin:pg-admin-password".getBytes(StandardCharsets.UTF_8)))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
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
        ProcessBuilder decrypt = new ProcessBuilder("java", "-jar", System.getProperty("it.user.cli.jar"), "decrypt", stored.toString());
        decrypt.environment().put("SMTP_STORAGE_ENCRYPTION_KEY", ENCRYPTION_KEY);
        Process process = decrypt.start();
        String plaintext = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor());
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
