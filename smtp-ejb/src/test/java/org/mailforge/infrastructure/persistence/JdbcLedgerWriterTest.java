package org.mailforge.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.domain.mail.StoredMessage;

/** The ledger's JDBC transaction on a real SQLite database with the server's two tables. */
class JdbcLedgerWriterTest {

    @TempDir
    Path folder;
    Connection connection;

    @BeforeEach
    void schema() throws SQLException {
        connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("ledger.db"));
        try (Statement s = connection.createStatement()) {
            // the columns the writer touches, as db/migration/sqlite/V1 creates them
            s.execute("CREATE TABLE stored_messages (id INTEGER PRIMARY KEY, mailbox TEXT NOT NULL, storage_key TEXT NOT NULL,"
                    + " size_bytes INTEGER NOT NULL, from_addr TEXT NOT NULL, session_id TEXT NOT NULL, received_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, used_bytes INTEGER NOT NULL)");
            s.execute("INSERT INTO users (email, used_bytes) VALUES ('ann@example.org', 5), ('zoe@example.org', 0)");
        }
    }

    private static StoredMessage message(String mailbox, int n, long size) {
        return new StoredMessage(new StoredLocation(mailbox, "new/" + n, size), "from" + n + "@example.net", "S" + n,
                Instant.ofEpochMilli(1_796_000_000_000L + n));
    }

    private long scalar(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            assertTrue(r.next());
            return r.getLong(1);
        }
    }

    @Test
    void writesEveryRowAndAddsUsedSpaceOncePerMailbox() throws SQLException {
        List<StoredMessage> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(message(i % 2 == 0 ? "Zoe@example.org" : "ann@example.org", i, 100 + i));
        }
        batch.add(message("nobody@example.org", 99, 7)); // a mailbox without an account: indexed, no usage

        JdbcLedgerWriter.write(connection, batch);

        assertEquals(41, scalar("SELECT COUNT(*) FROM stored_messages"));
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT mailbox, storage_key, size_bytes, from_addr, session_id, received_at"
                        + " FROM stored_messages WHERE storage_key = 'new/3'")) {
            assertTrue(r.next());
            assertEquals("ann@example.org", r.getString(1));
            assertEquals(103, r.getLong(3));
            assertEquals("from3@example.net", r.getString(4));
            assertEquals("S3", r.getString(5));
            assertEquals(1_796_000_000_003L, r.getLong(6));
        }
        long ann = 0;
        long zoe = 0;
        for (int i = 0; i < 40; i++) {
            if (i % 2 == 0) {
                zoe += 100 + i;
            } else {
                ann += 100 + i;
            }
        }
        assertEquals(5 + ann, scalar("SELECT used_bytes FROM users WHERE email = 'ann@example.org'"));
        assertEquals(zoe, scalar("SELECT used_bytes FROM users WHERE email = 'zoe@example.org'"), "matched case-insensitively");
        assertTrue(connection.getAutoCommit(), "the pooled connection goes back as it came");
    }

    @Test
    void aFailingRowLeavesNothingBehind() throws SQLException {
        List<StoredMessage> batch = List.of(message("ann@example.org", 1, 100), message("ann@example.org", 2, 100));
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TRIGGER refuse BEFORE INSERT ON stored_messages WHEN NEW.storage_key = 'new/2'"
                    + " BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
        }

        assertThrows(SQLException.class, () -> JdbcLedgerWriter.write(connection, batch));

        assertEquals(0, scalar("SELECT COUNT(*) FROM stored_messages"), "the first row is rolled back with the second");
        assertEquals(5, scalar("SELECT used_bytes FROM users WHERE email = 'ann@example.org'"));
        assertTrue(connection.getAutoCommit());
    }
}
