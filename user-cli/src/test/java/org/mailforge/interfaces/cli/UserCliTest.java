package org.mailforge.interfaces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** user-cli end to end on a real SQLite file and on a real PostgreSQL server (127.0.0.1). */
class UserCliTest {

    private static EmbeddedPostgres postgres;

    @TempDir
    Path folder;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    private record Result(int status, String out, String err) {
    }

    private Result run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new UserCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env::get).run(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Map<String, String> sqlite() {
        Map<String, String> env = new HashMap<>();
        env.put("SMTP_DB_PATH", folder.resolve("smtp.db").toString());
        env.put("SMTP_STORAGE_PATH", folder.resolve("mail").toString());
        return env;
    }

    private Map<String, String> postgresql() {
        Map<String, String> env = new HashMap<>();
        env.put("SMTP_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
        env.put("SMTP_DB_USER", "postgres");
        env.put("SMTP_DB_PASSWORD", "postgres");
        env.put("SMTP_STORAGE_PATH", folder.resolve("mail").toString());
        return env;
    }

    @Test
    void everyCommandOnSqlite() throws Exception {
        everyCommand(sqlite());
    }

    @Test
    void everyCommandOnPostgresql() throws Exception {
        everyCommand(postgresql());
    }

    private void everyCommand(Map<String, String> env) throws Exception {
        String john = "john" + System.nanoTime();
        Result created = run(env, "", "create", john, john + "@example.com", "MyP@ssw0rd");
        assertEquals(0, created.status(), created.err());
        String id = created.out().lines().filter(l -> l.startsWith("  ID: ")).findFirst().orElseThrow().substring(6);
        assertEquals("User created successfully:\n  Username: " + john + "\n  Email: " + john + "@example.com\n  ID: " + id + "\n",
                created.out());

        Result list = run(env, "", "list", "--limit", "50");
        assertEquals(0, list.status());
        assertTrue(list.out().startsWith("Users:\n"), list.out());
        assertTrue(list.out().matches("(?s).*\n  " + id + "\\. " + john + " \\(" + john + "@example.com\\) - Created: \\d{4}-\\d\\d-\\d\\d\n.*"), list.out());
        assertTrue(list.out().matches("(?s).*\nTotal: \\d+\n"), list.out());

        assertEquals("Authentication successful for user: " + john + "\n", run(env, "", "verify", john, "MyP@ssw0rd").out());
        Result wrong = run(env, "", "verify", john, "wrong-password");
        assertEquals(1, wrong.status());
        assertEquals("Authentication failed for user: " + john + "\n", wrong.err());

        assertEquals("Password updated successfully for user: " + john + "\n", run(env, "N3w-P@ssword\n", "update-password", john, "-").out());
        assertEquals(1, run(env, "", "verify", john, "MyP@ssw0rd").status());
        assertEquals(0, run(env, "", "verify", john, "N3w-P@ssword").status());

        assertEquals("Quota set to 2000 MB for user: " + john + "\n", run(env, "", "set-quota", john, "2000").out());
        Result info = run(env, "", "info", john);
        assertTrue(info.out().matches("User Information:\n  Username: " + john + "\n  Email: " + john + "@example.com\n  ID: " + id
                + "\n  Created: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\n  Last Login: Never\n  Quota: 2000 MB\n"
                + "  Used: 0\\.0 MB \\(0\\.0%\\)\n  Status: Enabled\n"), info.out());

        Result duplicate = run(env, "", "create", john, "other@example.com", "MyP@ssw0rd");
        assertEquals(1, duplicate.status());
        assertEquals("Error: username already exists\n", duplicate.err());
        Result invalid = run(env, "", "create", "jim", "not-an-address", "MyP@ssw0rd");
        assertEquals(1, invalid.status());
        assertTrue(invalid.err().startsWith("Error: email must be"), invalid.err());

        Result admin = run(env, "", "create", "adm" + System.nanoTime(), "adm" + System.nanoTime() + "@example.com", "MyP@ssw0rd", "--admin");
        assertEquals(0, admin.status(), admin.err());

        assertEquals("User deleted successfully: " + john + "\n", run(env, "", "delete", john).out());
        Result gone = run(env, "", "info", john);
        assertEquals(1, gone.status());
        assertEquals("Error: user not found: " + john + "\n", gone.err());
    }

    @Test
    void storesOnlyAnArgon2idHash() throws Exception {
        Map<String, String> env = sqlite();
        assertEquals(0, run(env, "", "create", "hashcheck", "hashcheck@example.com", "Secret-Password-1").status());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + env.get("SMTP_DB_PATH"));
             ResultSet rs = c.createStatement().executeQuery("SELECT password_hash FROM users WHERE username = 'hashcheck'")) {
            assertTrue(rs.next());
            String hash = rs.getString(1);
            assertTrue(hash.matches("\\$argon2id\\$v=19\\$m=65536,t=3,p=4\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), hash);
            assertFalse(hash.contains("Secret-Password-1"));
        }
    }

    @Test
    void decryptsAnEncryptedTimeseriesMessage() throws Exception {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        var store = new org.mailforge.infrastructure.storage.TimeSeriesStore(folder.resolve("archive"),
                new org.mailforge.infrastructure.storage.MessageEncryption(key), java.time.Clock.systemUTC());
        byte[] message = "Subject: secret\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        var location = store.store("x@example.test", "a@example.org", org.mailforge.smtp.spi.MessageContent.of(message));
        Map<String, String> env = new HashMap<>();
        env.put("SMTP_STORAGE_ENCRYPTION_KEY", key);
        Result plain = run(env, "", "decrypt", folder.resolve("archive").resolve(location.key()).toString());
        assertEquals(0, plain.status(), plain.err());
        assertEquals("Return-Path: <a@example.org>\r\nSubject: secret\r\n\r\nbody\r\n", plain.out());
        assertEquals(1, run(new HashMap<>(), "", "decrypt", "nothing.eml").status());
    }

    @Test
    void usageMistakesExitWith2AndAnUnreachableDatabaseWith1() {
        Result none = run(sqlite(), "");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("Usage: user-cli"));
        Result unknown = run(sqlite(), "", "frobnicate");
        assertEquals(2, unknown.status());
        assertEquals("Error: unknown command 'frobnicate'", unknown.err().lines().findFirst().orElseThrow());
        assertEquals(2, run(sqlite(), "", "create", "onlyname").status());

        Map<String, String> missing = new HashMap<>();
        missing.put("SMTP_DB_PATH", folder.resolve("no/such/folder/smtp.db").toString());
        Result broken = run(missing, "", "list");
        assertEquals(1, broken.status());
        assertTrue(broken.err().startsWith("Error: "), broken.err());
        assertFalse(Files.exists(folder.resolve("no")));
    }

    /** delete treats the mail as the server's store does: an mbox file goes too; database mail is left to the server's API. */
    @Test
    void deleteRemovesTheMailOfTheConfiguredStore() throws Exception {
        Map<String, String> env = sqlite();
        env.put("SMTP_STORAGE_TYPE", "mbox");
        assertEquals(0, run(env, "", "create", "mboxer", "mboxer@example.com", "Secret-Password-1").status());
        var store = new org.mailforge.infrastructure.storage.MboxStore(folder.resolve("mail"), java.time.Clock.systemUTC());
        store.store("mboxer@example.com", "a@example.org", org.mailforge.smtp.spi.MessageContent.of(
                "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(Files.exists(folder.resolve("mail").resolve("mboxer@example.com")));
        Result deleted = run(env, "", "delete", "mboxer");
        assertEquals(0, deleted.status(), deleted.err());
        assertFalse(Files.exists(folder.resolve("mail").resolve("mboxer@example.com")), "the mbox file went with its user");

        env.put("SMTP_STORAGE_TYPE", "database"); // rows of the same database (the contract ITs check them)
        assertEquals(0, run(env, "", "create", "dbuser", "dbuser@example.com", "Secret-Password-1").status());
        assertEquals(0, run(env, "", "delete", "dbuser").status());
        assertEquals(1, run(env, "", "info", "dbuser").status(), "deleted");

        env.put("SMTP_STORAGE_TYPE", "s3"); // without SMTP_S3_BUCKET: the server would not start either
        assertEquals(0, run(env, "", "create", "s3user", "s3user@example.com", "Secret-Password-1").status());
        Result refused = run(env, "", "delete", "s3user");
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("SMTP_S3_BUCKET"), refused.err());
        assertEquals(0, run(env, "", "info", "s3user").status(), "refused before anything was deleted");
    }

    /**
     * Saving a user read earlier writes only what was changed on it: a password set meanwhile (the
     * owner's, say) is not put back by a save that changed only the quota, on SQLite and PostgreSQL.
     */
    @Test
    void savingAUserWritesOnlyWhatChangedOnIt() throws Exception {
        for (Map<String, String> env : java.util.List.of(sqlite(), postgresql())) {
            String name = "race" + System.nanoTime();
            assertEquals(0, run(env, "", "create", name, name + "@example.com", "MyP@ssw0rd").status());
            try (CliDatabase db = new CliDatabase(env::get)) {
                var users = new org.mailforge.infrastructure.persistence.JpaUserRepository(db);
                org.mailforge.domain.user.User stale = users.findByUsername(name).orElseThrow();
                org.mailforge.domain.user.User meanwhile = users.findByUsername(name).orElseThrow();
                meanwhile.setPasswordHash("$argon2id$set-meanwhile");
                users.update(meanwhile);
                stale.setQuotaMb(77);
                org.mailforge.domain.user.User saved = users.update(stale);
                assertEquals("$argon2id$set-meanwhile", saved.getPasswordHash(), "the password set meanwhile stays");
                assertEquals(77, saved.getQuotaMb());
            }
        }
    }
}
