package org.mailforge.infrastructure.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.domain.screening.GreylistTriplet;
import org.mailforge.domain.screening.ScreeningRecords;

/**
 * Greylisting triplets and early-talker passes in the {@code greylist} and {@code greeting_passes}
 * tables, in plain JDBC, as the delivery ledger: these are asked once or more per connection of
 * every client, bots included, and through JPA each read cost a unit of work and a local
 * transaction's containment, each write a JTA transaction: about a third of the server's CPU under
 * a botnet's load (JFR, 2026-12-06). A read is one statement in auto-commit; a write that is more
 * than one statement is a local transaction that begins with its write, never with a read (on
 * SQLite a read first would make the write fail at once when another session wrote in between).
 * Times are epoch milliseconds.
 */
@ApplicationScoped
public class JdbcScreeningRecords implements ScreeningRecords {

    @Resource(lookup = "jdbc/mailforge", shareable = false) // its own connection, back to the pool on close
    DataSource dataSource;

    private <T> T withConnection(Jdbc.Work<T> work) {
        return Jdbc.withConnection(dataSource, "screening records", work);
    }

    private static void transaction(Connection connection, Jdbc.Work<Void> work) throws SQLException {
        Jdbc.transaction(connection, work);
    }

    @Override
    public Optional<GreylistTriplet> triplet(String id) {
        return withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT network, sender_domain, first_seen, passed_at, earned, last_seen FROM greylist WHERE id = ?")) {
                query.setString(1, id);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    long passed = row.getLong(4);
                    Instant passedAt = row.wasNull() ? null : Instant.ofEpochMilli(passed);
                    return Optional.of(GreylistTriplet.stored(id, row.getString(1), row.getString(2),
                            Instant.ofEpochMilli(row.getLong(3)), passedAt, row.getBoolean(5), Instant.ofEpochMilli(row.getLong(6))));
                }
            }
        });
    }

    @Override
    public void add(GreylistTriplet triplet) {
        withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO greylist (id, network, sender_domain,"
                    + " first_seen, passed_at, earned, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, triplet.getId());
                insert.setString(2, triplet.getNetwork());
                insert.setString(3, triplet.getSenderDomain());
                insert.setLong(4, triplet.getFirstSeen().toEpochMilli());
                if (triplet.getPassedAt() == null) {
                    insert.setNull(5, java.sql.Types.BIGINT);
                } else {
                    insert.setLong(5, triplet.getPassedAt().toEpochMilli());
                }
                insert.setBoolean(6, triplet.earned());
                insert.setLong(7, triplet.getLastSeen().toEpochMilli());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void seen(String id, Instant now) {
        withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE greylist SET earned = CASE WHEN passed_at IS NULL"
                    + " THEN TRUE ELSE earned END, passed_at = COALESCE(passed_at, ?), last_seen = ? WHERE id = ?")) {
                update.setLong(1, now.toEpochMilli());
                update.setLong(2, now.toEpochMilli());
                update.setString(3, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int earnedFrom(String network, int enough) {
        return withConnection(connection -> count(connection,
                "SELECT COUNT(*) FROM (SELECT 1 FROM greylist WHERE network = ? AND earned = TRUE LIMIT ?) earned", network, enough));
    }

    @Override
    public boolean domainEarned(String senderDomain) {
        return withConnection(connection -> count(connection,
                "SELECT COUNT(*) FROM (SELECT 1 FROM greylist WHERE sender_domain = ? AND earned = TRUE LIMIT ?) earned", senderDomain, 1)) > 0;
    }

    private static int count(Connection connection, String sql, String key, int limit) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, key);
            query.setInt(2, limit);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getInt(1) : 0;
            }
        }
    }

    @Override
    public Optional<Instant> greetingPassedUntil(String address) {
        return withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT passed_until FROM greeting_passes WHERE address = ?")) {
                query.setString(1, address);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(Instant.ofEpochMilli(row.getLong(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void greetingPassed(Map<String, Instant> passes) {
        withConnection(connection -> {
            transaction(connection, c -> {
                // in key order, so two nodes writing at once take their row locks in the same order
                try (PreparedStatement upsert = c.prepareStatement("INSERT INTO greeting_passes (address, passed_until) VALUES (?, ?)"
                        + " ON CONFLICT (address) DO UPDATE SET passed_until = excluded.passed_until")) {
                    for (Map.Entry<String, Instant> pass : new java.util.TreeMap<>(passes).entrySet()) {
                        upsert.setString(1, pass.getKey());
                        upsert.setLong(2, pass.getValue().toEpochMilli());
                        upsert.addBatch();
                    }
                    upsert.executeBatch();
                }
                return null;
            });
            return null;
        });
    }

    @Override
    public void restart(String id, Instant now) {
        withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE greylist SET first_seen = ?, last_seen = ? WHERE id = ? AND passed_at IS NULL")) {
                update.setLong(1, now.toEpochMilli());
                update.setLong(2, now.toEpochMilli());
                update.setString(3, id);
                update.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public int purgeTriplets(Instant passedBefore, Instant waitingBefore, int limit) {
        return withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM greylist WHERE id IN (SELECT id FROM greylist WHERE"
                    + " (passed_at IS NOT NULL AND last_seen < ?) OR (passed_at IS NULL AND first_seen < ?) LIMIT ?)")) {
                delete.setLong(1, passedBefore.toEpochMilli());
                delete.setLong(2, waitingBefore.toEpochMilli());
                delete.setInt(3, limit);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public int purgeGreetingPasses(Instant now, int limit) {
        return withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM greeting_passes WHERE address IN"
                    + " (SELECT address FROM greeting_passes WHERE passed_until < ? LIMIT ?)")) {
                delete.setLong(1, now.toEpochMilli());
                delete.setInt(2, limit);
                return delete.executeUpdate();
            }
        });
    }
}
