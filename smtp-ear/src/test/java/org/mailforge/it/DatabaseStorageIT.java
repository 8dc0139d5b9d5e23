package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SMTP_STORAGE_TYPE=database on a real PostgreSQL (tsvector + GIN): mail sent over SMTP lands as
 * rows of the spec's messages table, and the search endpoint finds it through the full-text index,
 * for the mailbox's owner and administrators only. The same on SQLite (FTS5) runs on the storage
 * contract's database server (DatabaseStorageContractIT), which saves a server start.
 */
class DatabaseStorageIT {

    private static final List<ExtraServer> servers = new ArrayList<>();
    private static EmbeddedPostgres postgres;
    private static Target postgresql;

    /** One server with database storage, and how to reach its database directly. */
    record Target(int smtpPort, int httpPort, String jdbcUrl, String dbUser, String dbPassword, String adminPassword) {

        HttpResponse<String> api(String path, String user, String password) throws Exception {
            return TestServer.api(httpPort, "GET", path, null, user, password);
        }

        HttpResponse<String> admin(String method, String path, String json) throws Exception {
            return TestServer.api(httpPort, method, path, json, "admin", adminPassword);
        }

        void send(String to, String message) throws Exception {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, smtpPort)) {
                smtp.reply();
                smtp.command("EHLO db.example");
                smtp.command("MAIL FROM:<writer@example.org>");
                assertTrue(smtp.command("RCPT TO:<" + to + ">").startsWith("250 "));
                smtp.command("DATA");
                String reply = smtp.command(message + "\r\n.");
                assertTrue(reply.startsWith("250 "), reply);
            }
        }
    }

    /**
     * Hostile content on PostgreSQL: a NUL in the decoded subject and text (PostgreSQL's text type
     * refuses NUL) and 1.5 MB of distinct words (over the 1 MB a tsvector may hold). Both used to
     * be refused with 451 forever; now the raw message is stored whole and the derived columns are
     * cleaned and bounded.
     */
    @Test
    void hostileContentIsStoredOnPostgresql() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
        // a raw NUL is refused at the door (550 5.6.0); decoded from an encoded word or quoted-printable it still arrives
        message.writeBytes(("From: <writer@example.org>\r\nSubject: =?US-ASCII?Q?nul=00here?=\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=US-ASCII\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbefore=00after\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (int line = 0; line < 15_000; line++) {
            StringBuilder words = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                words.append("w").append(Integer.toString(line * 12 + w, 36)).append(' ');
            }
            message.writeBytes((words + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] content = message.toByteArray();
        assertTrue(content.length > 1_000_000, "over the tsvector limit: " + content.length);
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, postgresql.smtpPort())) {
            smtp.reply();
            smtp.command("EHLO db.example");
            smtp.command("MAIL FROM:<writer@example.org>");
            assertTrue(smtp.command("RCPT TO:<" + mailbox + ">").startsWith("250 "));
            smtp.send(("BDAT " + content.length + " LAST\r\n").getBytes(StandardCharsets.US_ASCII));
            smtp.send(content);
            String reply = smtp.reply();
            assertTrue(reply.startsWith("250 "), reply);
        }
        try (Connection db = DriverManager.getConnection(postgresql.jdbcUrl(), postgresql.dbUser(), postgresql.dbPassword());
             ResultSet rows = db.createStatement().executeQuery("SELECT length(body), subject, position('after' in body_text) > 0,"
                     + " search @@ plainto_tsquery('simple', 'w1') FROM messages WHERE \"user\" = '" + mailbox + "'")) {
            assertTrue(rows.next(), "stored");
            assertTrue(rows.getInt(1) >= content.length, "the raw message is whole");
            assertEquals("nulhere", rows.getString(2));
            assertTrue(rows.getBoolean(3), "the text without its NUL");
            assertTrue(rows.getBoolean(4), "indexed (the start of the text)");
        }
    }

    private static Target start(String name, int smtpPort, int httpPort, String jdbcUrl, String user, String password,
                                List<String> database) throws Exception {
        Path data = TestServer.DATA.resolveSibling("it-data-" + name);
        ExtraServer.deleteTree(data);
        List<String> environment = new ArrayList<>(List.of("SMTP_STORAGE_TYPE=database", "SMTP_ENABLE_AUTH=false",
                "SMTP_ADMIN_PASSWORD=db-admin-password"));
        environment.addAll(database);
        ExtraServer server = new ExtraServer(name, ExtraServer.basics(smtpPort, httpPort, data), environment);
        servers.add(server);
        server.start();
        return new Target(smtpPort, httpPort, jdbcUrl, user, password, "db-admin-password");
    }

    @BeforeAll
    static void startServers() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        postgresql = start("mailforgeDbPostgres", TestPorts.port(825), TestPorts.port(880), url, "postgres", "postgres", List.of(
                "SMTP_DB_URL=" + url, "SMTP_DB_USER=postgres", "SMTP_DB_PASSWORD=postgres", "SMTP_DB_POOL_SIZE=10"));
    }

    @AfterAll
    static void stopServers() throws Exception {
        try {
            for (ExtraServer server : servers) {
                server.stop();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void onPostgresqlWithATsvector() throws Exception {
        storesAndFinds(postgresql, "SELECT COUNT(*) FROM messages WHERE search @@ plainto_tsquery('simple', 'kangaroo')");
    }

    /** Storing, listing and searching through the API, and the rows and index behind them (SQLite: DatabaseStorageContractIT). */
    static void storesAndFinds(Target target, String indexQuery) throws Exception {
        String username = "reader" + System.nanoTime();
        String email = username + "@example.test";
        assertEquals(201, target.admin("POST", "/api/users", "{\"username\":\"" + username + "\",\"email\":\"" + email
                + "\",\"password\":\"Reader-Pass-123\"}").statusCode());

        target.send(email, "From: Writer <writer@example.org>\r\nTo: <" + email + ">\r\nSubject: Zoo news\r\n"
                + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nThe kangaroo escaped again.\r\n");
        target.send(email, "From: <writer@example.org>\r\nTo: <" + email + ">\r\nSubject: =?UTF-8?Q?Caf=C3=A9?= menu\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\n"
                + "Content-Type: text/html; charset=UTF-8\r\n\r\n<p>Espresso and <b>croissant</b></p>\r\n--b1--\r\n");
        target.send(email, "Subject: Unrelated\r\n\r\nNothing to see.\r\n");

        JsonObject all = page(target.api("/api/users/" + username + "/messages", username, "Reader-Pass-123"));
        assertEquals(3, all.getInt("total"));
        assertEquals("Unrelated", all.getJsonArray("messages").getJsonObject(0).getString("subject"), "newest first");

        JsonObject kangaroo = page(target.api("/api/users/" + username + "/messages?q=kangaroo", username, "Reader-Pass-123"));
        assertEquals(1, kangaroo.getInt("total"));
        JsonObject found = kangaroo.getJsonArray("messages").getJsonObject(0);
        assertEquals("Zoo news", found.getString("subject"));
        assertTrue(found.getString("from").contains("writer@example.org"));
        assertTrue(found.getString("message_id").startsWith("msg_"));
        assertEquals("2026-11-24T10:00:00Z", found.getString("date"));

        JsonObject html = page(target.api("/api/users/" + username + "/messages?q=" + URLEncoder.encode("croissant espresso",
                StandardCharsets.UTF_8), "admin", target.adminPassword()));
        assertEquals(1, html.getInt("total"), "the text of an HTML part, every word, for an administrator too");
        assertEquals("Café menu", html.getJsonArray("messages").getJsonObject(0).getString("subject"));
        assertEquals(0, page(target.api("/api/users/" + username + "/messages?q=kangaroo+croissant", username, "Reader-Pass-123"))
                .getInt("total"), "all words must occur");
        assertEquals(0, page(target.api("/api/users/" + username + "/messages?q=%22%29%28*+OR", username, "Reader-Pass-123"))
                .getInt("total"), "query syntax is not passed through");

        JsonObject second = page(target.api("/api/users/" + username + "/messages?offset=1&limit=1", username, "Reader-Pass-123"));
        assertEquals(1, second.getJsonArray("messages").size());
        assertEquals(3, second.getInt("total"));

        String other = "other" + System.nanoTime();
        target.admin("POST", "/api/users", "{\"username\":\"" + other + "\",\"email\":\"" + other
                + "@example.test\",\"password\":\"Other-Pass-123\"}");
        assertEquals(403, target.api("/api/users/" + username + "/messages?q=kangaroo", other, "Other-Pass-123").statusCode());

        try (Connection db = DriverManager.getConnection(target.jdbcUrl(), target.dbUser(), target.dbPassword())) {
            try (ResultSet rows = db.createStatement().executeQuery("SELECT COUNT(*), MIN(length(body)) FROM messages WHERE \"user\" = '"
                    + email + "'")) {
                assertTrue(rows.next());
                assertEquals(3, rows.getInt(1));
                assertTrue(rows.getInt(2) > 50, "the raw message is in body");
            }
            try (ResultSet rows = db.createStatement().executeQuery(indexQuery)) {
                assertTrue(rows.next());
                assertTrue(rows.getInt(1) >= 1, "the full-text index has the text");
            }
        }

        assertEquals(200, target.admin("DELETE", "/api/users/" + username, null).statusCode());
        try (Connection db = DriverManager.getConnection(target.jdbcUrl(), target.dbUser(), target.dbPassword());
             ResultSet rows = db.createStatement().executeQuery("SELECT COUNT(*) FROM messages WHERE \"user\" = '" + email + "'")) {
            assertTrue(rows.next());
            assertEquals(0, rows.getInt(1), "deleting the user deleted its messages");
        }
    }

    @Test
    void otherStorageHasNoSearch() throws Exception {
        HttpResponse<String> response = TestServer.asAdmin("GET", "/api/users/admin/messages?q=x", null);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("SMTP_STORAGE_TYPE=database"), response.body());
    }

    private static JsonObject page(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    static List<String> strings(jakarta.json.JsonArray array) {
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
