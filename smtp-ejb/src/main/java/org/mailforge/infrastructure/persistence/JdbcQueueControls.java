package org.mailforge.infrastructure.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.domain.queue.QueueControls;

/**
 * Suspended domains, suppressions, sending counts and held accounts in plain JDBC (short
 * statements, each its own transaction unless it must be one with another). Times are epoch ms,
 * hours epoch hours.
 */
@ApplicationScoped
public class JdbcQueueControls implements QueueControls {

    @Resource(lookup = "jdbc/mailforge", shareable = false) // its own connection, back to the pool on close
    DataSource dataSource;

    private <T> T withConnection(Jdbc.Work<T> work) {
        return Jdbc.withConnection(dataSource, "queue controls", work);
    }

    private static PreparedStatement bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Long number) {
                statement.setLong(i + 1, number);
            } else if (values[i] instanceof Integer number) {
                statement.setInt(i + 1, number);
            } else {
                statement.setString(i + 1, (String) values[i]);
            }
        }
        return statement;
    }

    private int update(String sql, Object... values) {
        return withConnection(connection -> {
            try (PreparedStatement statement = bind(connection.prepareStatement(sql), values)) {
                return statement.executeUpdate();
            }
        });
    }

    @FunctionalInterface
    private interface Row<T> {
        T of(ResultSet row) throws SQLException;
    }

    private <T> List<T> query(String sql, Row<T> mapper, Object... values) {
        return withConnection(connection -> {
            try (PreparedStatement statement = bind(connection.prepareStatement(sql), values);
                 ResultSet rows = statement.executeQuery()) {
                List<T> found = new ArrayList<>();
                while (rows.next()) {
                    found.add(mapper.of(rows));
                }
                return found;
            }
        });
    }

    @Override
    public List<Suspension> suspensions() {
        return query("SELECT domain, since, suspended_by FROM suspended_domains ORDER BY domain",
                row -> new Suspension(row.getString(1), Instant.ofEpochMilli(row.getLong(2)), row.getString(3)));
    }

    @Override
    public Suspension suspend(String domain, Instant now, String by) {
        update("INSERT INTO suspended_domains (domain, since, suspended_by) VALUES (?, ?, ?) ON CONFLICT (domain) DO NOTHING",
                domain, now.toEpochMilli(), by);
        return suspensions().stream().filter(s -> s.domain().equals(domain)).findFirst()
                .orElseThrow(() -> new IllegalStateException("suspension of " + domain + " not stored"));
    }

    @Override
    public boolean resume(String domain) {
        return update("DELETE FROM suspended_domains WHERE domain = ?", domain) == 1;
    }

    @Override
    public void suppress(String address, String reason, Instant now, Instant expiresAt) {
        update("INSERT INTO suppressions (address, reason, created_at, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (address)"
                + " DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at, expires_at = excluded.expires_at",
                address, JdbcTraceStore.cut(reason, 1000), now.toEpochMilli(), expiresAt.toEpochMilli());
    }

    private static Suppression suppression(ResultSet row) throws SQLException {
        return new Suppression(row.getString(1), row.getString(2), Instant.ofEpochMilli(row.getLong(3)), Instant.ofEpochMilli(row.getLong(4)));
    }

    @Override
    public Optional<Suppression> suppression(String address, Instant now) {
        return query("SELECT address, reason, created_at, expires_at FROM suppressions WHERE address = ? AND expires_at > ?",
                JdbcQueueControls::suppression, address, now.toEpochMilli()).stream().findFirst();
    }

    @Override
    public List<Suppression> suppressions(Instant now, int offset, int limit) {
        return query("SELECT address, reason, created_at, expires_at FROM suppressions WHERE expires_at > ?"
                + " ORDER BY created_at DESC, address LIMIT ? OFFSET ?", JdbcQueueControls::suppression, now.toEpochMilli(), limit, offset);
    }

    @Override
    public long countSuppressions(Instant now) {
        return query("SELECT COUNT(*) FROM suppressions WHERE expires_at > ?", row -> row.getLong(1), now.toEpochMilli()).get(0);
    }

    @Override
    public boolean unsuppress(String address) {
        return update("DELETE FROM suppressions WHERE address = ?", address) == 1;
    }

    @Override
    public void countMessage(String account, long epochHour) {
        update("INSERT INTO sending_counts (account, hour, messages, bounces) VALUES (?, ?, 1, 0) ON CONFLICT (account, hour)"
                + " DO UPDATE SET messages = sending_counts.messages + 1", account, epochHour);
    }

    @Override
    public int countBounce(String account, long epochHour) {
        return withConnection(connection -> Jdbc.transaction(connection, c -> {
            try (PreparedStatement upsert = bind(c.prepareStatement("INSERT INTO sending_counts (account, hour, messages, bounces)"
                    + " VALUES (?, ?, 0, 1) ON CONFLICT (account, hour) DO UPDATE SET bounces = sending_counts.bounces + 1"),
                    account, epochHour)) {
                upsert.executeUpdate();
            }
            try (PreparedStatement select = bind(c.prepareStatement("SELECT bounces FROM sending_counts WHERE account = ? AND hour = ?"),
                    account, epochHour); ResultSet row = select.executeQuery()) {
                return row.next() ? row.getInt(1) : 0;
            }
        }));
    }

    @Override
    public int messagesSince(String account, long sinceHour) {
        return query("SELECT COALESCE(SUM(messages), 0) FROM sending_counts WHERE account = ? AND hour >= ?",
                row -> row.getInt(1), account, sinceHour).get(0);
    }

    @Override
    public boolean holdAccount(String account, Instant now, String reason) {
        return update("INSERT INTO held_accounts (account, since, reason) VALUES (?, ?, ?) ON CONFLICT (account) DO NOTHING",
                account, now.toEpochMilli(), JdbcTraceStore.cut(reason, 1000)) == 1;
    }

    private static HeldAccount held(ResultSet row) throws SQLException {
        return new HeldAccount(row.getString(1), Instant.ofEpochMilli(row.getLong(2)), row.getString(3));
    }

    @Override
    public Optional<HeldAccount> heldAccount(String account) {
        return query("SELECT account, since, reason FROM held_accounts WHERE account = ?", JdbcQueueControls::held, account)
                .stream().findFirst();
    }

    @Override
    public List<HeldAccount> heldAccounts() {
        return query("SELECT account, since, reason FROM held_accounts ORDER BY since DESC", JdbcQueueControls::held);
    }

    @Override
    public boolean releaseAccount(String account) {
        return update("DELETE FROM held_accounts WHERE account = ?", account) == 1;
    }

    @Override
    public List<String> holdEntriesOf(String account) {
        List<String> ids = query("SELECT id FROM outbound_messages WHERE account = ? AND status IN ('PENDING', 'RETRY')",
                row -> row.getString(1), account);
        update("UPDATE outbound_messages SET status = 'HELD' WHERE account = ? AND status IN ('PENDING', 'RETRY')", account);
        return ids;
    }

    @Override
    public List<String> releaseEntriesOf(String account, Instant now) {
        List<String> ids = query("SELECT id FROM outbound_messages WHERE account = ? AND status = 'HELD'", row -> row.getString(1), account);
        update("UPDATE outbound_messages SET status = CASE WHEN attempts = 0 THEN 'PENDING' ELSE 'RETRY' END,"
                + " next_retry = CASE WHEN next_retry IS NULL THEN NULL ELSE ? END WHERE account = ? AND status = 'HELD'",
                now.toEpochMilli(), account);
        return ids;
    }

    @Override
    public int purge(Instant now, long beforeHour) {
        return update("DELETE FROM suppressions WHERE expires_at <= ?", now.toEpochMilli())
                + update("DELETE FROM sending_counts WHERE hour < ?", beforeHour);
    }
}
