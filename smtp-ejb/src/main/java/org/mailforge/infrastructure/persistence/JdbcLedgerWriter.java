package org.mailforge.infrastructure.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.mailforge.application.inbound.LedgerWriter;
import org.mailforge.domain.mail.StoredMessage;

/**
 * The ledger's transactions in plain JDBC, one local transaction per batch: batched INSERTs of the
 * index rows, then one UPDATE of the used space per mailbox. Through JPA and a JTA transaction the
 * same batch cost a global transaction's begin and commit, an EclipseLink unit of work and query
 * translation for each statement: about a quarter of the server's Java CPU at 1 KB (profile of
 * 2026-12-02). Nothing here needs what those add: the rows are never read back in this
 * transaction, and no other resource commits with them. The columns are those of
 * {@link StoredMessage} ({@code received_at} in epoch milliseconds, as {@link InstantConverter}
 * stores it) and of {@code User.usedBytes}.
 */
@ApplicationScoped
public class JdbcLedgerWriter implements LedgerWriter {

    static final String INSERT = "INSERT INTO stored_messages (mailbox, storage_key, size_bytes, from_addr, session_id,"
            + " received_at) VALUES (?, ?, ?, ?, ?, ?)";
    static final String ADD_USAGE = "UPDATE users SET used_bytes = used_bytes + ? WHERE email = ?";

    @Resource(lookup = "jdbc/mailforge", shareable = false) // its own connection, committed here, back to the pool on close
    DataSource dataSource;

    /** Outside any global transaction: the caller's (if any) is suspended, this one commits on its own. */
    @Override
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void write(List<StoredMessage> delivered) {
        if (delivered.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            write(connection, delivered);
        } catch (SQLException e) {
            throw new IllegalStateException("the delivery index could not be written: " + e.getMessage(), e);
        }
    }

    /** One transaction on this connection; rolled back (and thrown) when any statement fails. */
    static void write(Connection connection, List<StoredMessage> delivered) throws SQLException {
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (StoredMessage message : delivered) {
                    insert.setString(1, message.getMailbox());
                    insert.setString(2, message.getStorageKey());
                    insert.setLong(3, message.getSizeBytes());
                    insert.setString(4, message.getFromAddress());
                    insert.setString(5, message.getSessionId());
                    insert.setLong(6, message.getReceivedAt().toEpochMilli());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            // one UPDATE per mailbox, in name order, so two nodes committing batches at once take
            // PostgreSQL's row locks in the same order; a mailbox without an account matches no row
            Map<String, Long> bytesByMailbox = new TreeMap<>();
            for (StoredMessage message : delivered) {
                bytesByMailbox.merge(message.getMailbox().toLowerCase(Locale.ROOT), message.getSizeBytes(), Long::sum);
            }
            try (PreparedStatement usage = connection.prepareStatement(ADD_USAGE)) {
                for (Map.Entry<String, Long> each : bytesByMailbox.entrySet()) {
                    usage.setLong(1, each.getValue());
                    usage.setString(2, each.getKey());
                    usage.addBatch();
                }
                usage.executeBatch();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException reset) {
                // the outcome above stands; Liberty's pool resets (or discards) the connection anyway
            }
        }
    }
}
