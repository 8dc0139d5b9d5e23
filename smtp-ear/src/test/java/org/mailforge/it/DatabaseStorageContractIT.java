package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * SMTP_STORAGE_TYPE=database on SQLite, read back with SQL from the spec's messages table. The
 * fault: the database refuses new rows (a trigger), and the transaction must leave nothing behind,
 * neither a row nor a full-text entry.
 */
class DatabaseStorageContractIT extends StorageBackendContract {

    DatabaseStorageContractIT() {
        super("mailforgeDatabase", TestPorts.port(1225), TestPorts.port(1280));
    }

    @Override
    List<String> environment() {
        return List.of("SMTP_STORAGE_TYPE=database");
    }

    private Connection database() throws Exception {
        return IndependentReaders.sqlite(backend().data().resolve("smtp.db"));
    }

    @Override
    List<byte[]> read(String mailbox) throws Exception {
        try (Connection db = database();
             PreparedStatement query = db.prepareStatement("SELECT body FROM messages WHERE user = ? ORDER BY id")) {
            query.setString(1, mailbox);
            List<byte[]> messages = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    messages.add(rows.getBytes(1));
                }
            }
            return messages;
        }
    }

    @Override
    AutoCloseable breakStorage(String mailbox) throws Exception {
        try (Connection db = database()) {
            db.createStatement().execute("CREATE TRIGGER contract_fault AFTER INSERT ON messages "
                    + "BEGIN SELECT RAISE(ABORT, 'storage broken by the test'); END");
        }
        return () -> {
            try (Connection db = database()) {
                db.createStatement().execute("DROP TRIGGER contract_fault");
            }
        };
    }

    @Test
    void everyRowIsInTheFullTextIndexAndNothingElse() throws Exception {
        long indexed = deliverAndCountIndexed();
        try (Connection db = database();
             ResultSet rows = db.createStatement().executeQuery(
                     "SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM messages_fts), "
                             + "(SELECT COUNT(*) FROM messages_fts WHERE rowid NOT IN (SELECT id FROM messages))")) {
            assertEquals(indexed, rows.getLong(1), "one row per indexed message");
            assertEquals(rows.getLong(1), rows.getLong(2), "one full-text entry per message");
            assertEquals(0, rows.getLong(3), "no entry without its message");
        }
    }

    /** Search on this server's SQLite database (FTS5); the same on PostgreSQL is in DatabaseStorageIT. */
    @org.junit.jupiter.api.Test
    void searchOnSqliteWithFts5() throws Exception {
        DatabaseStorageIT.storesAndFinds(new DatabaseStorageIT.Target(backend().smtpPort(), backend().httpPort(),
                        "jdbc:sqlite:" + backend().data().resolve("smtp.db"), null, null, ADMIN_PASSWORD),
                "SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'kangaroo'");
    }
}
