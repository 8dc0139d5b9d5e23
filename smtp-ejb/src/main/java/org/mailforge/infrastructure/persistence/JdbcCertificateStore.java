package org.mailforge.infrastructure.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.application.certificates.CertificateStore;

/**
 * The ACME side's shared state in the {@code tls_certificates}, {@code acme_accounts},
 * {@code acme_challenges}, {@code acme_orders} and {@code acme_wanted_names} tables, in plain JDBC: a few statements a minute,
 * each in auto-commit; the lease is one conditional UPDATE, so two nodes never both win it. Times
 * are epoch milliseconds.
 */
@ApplicationScoped
public class JdbcCertificateStore implements CertificateStore {

    private static final String SERVER = "server";

    @Resource(lookup = "jdbc/mailforge", shareable = false)
    DataSource dataSource;

    private <T> T withConnection(Jdbc.Work<T> work) {
        return Jdbc.withConnection(dataSource, "certificate store", work);
    }

    @Override
    public Optional<StoredCertificate> certificate() {
        return withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT chain_pem, private_key, names, not_after, obtained_at FROM tls_certificates WHERE id = ?")) {
                query.setString(1, SERVER);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new StoredCertificate(row.getString(1), row.getString(2),
                            Arrays.stream(row.getString(3).split(",")).filter(n -> !n.isEmpty()).toList(),
                            Instant.ofEpochMilli(row.getLong(4)), Instant.ofEpochMilli(row.getLong(5))));
                }
            }
        });
    }

    @Override
    public boolean saveCertificate(StoredCertificate certificate, String holder) {
        return withConnection(connection -> Jdbc.transaction(connection, c -> {
            // the write first (SQLite): the lease row, touched only while this holder still has it
            try (PreparedStatement held = c.prepareStatement("UPDATE acme_orders SET holder = holder WHERE id = ? AND holder = ?")) {
                held.setString(1, SERVER);
                held.setString(2, holder);
                if (held.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM tls_certificates WHERE id = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO tls_certificates (id, chain_pem, private_key, names,"
                         + " not_after, obtained_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                delete.setString(1, SERVER);
                delete.executeUpdate();
                insert.setString(1, SERVER);
                insert.setString(2, certificate.chainPem());
                insert.setString(3, certificate.sealedKey());
                insert.setString(4, String.join(",", certificate.names()));
                insert.setLong(5, certificate.notAfter().toEpochMilli());
                insert.setLong(6, certificate.obtainedAt().toEpochMilli());
                insert.executeUpdate();
            }
            return true;
        }));
    }

    @Override
    public void wantNames(String hostname, List<String> names, Instant now) {
        withConnection(connection -> Jdbc.transaction(connection, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM acme_wanted_names WHERE hostname = ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO acme_wanted_names (hostname, names, seen_at) VALUES (?, ?, ?)")) {
                delete.setString(1, hostname);
                delete.executeUpdate();
                insert.setString(1, hostname);
                insert.setString(2, String.join(",", names));
                insert.setLong(3, now.toEpochMilli());
                insert.executeUpdate();
            }
            return null;
        }));
    }

    @Override
    public List<String> namesWanted(Instant since) {
        return withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT names FROM acme_wanted_names WHERE seen_at >= ? ORDER BY hostname")) {
                query.setLong(1, since.toEpochMilli());
                List<String> names = new ArrayList<>();
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        Arrays.stream(row.getString(1).split(",")).filter(n -> !n.isEmpty()).forEach(names::add);
                    }
                }
                return names;
            }
        });
    }

    @Override
    public Optional<StoredAccount> account(String directory) {
        return withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT account_key, location FROM acme_accounts WHERE directory = ?")) {
                query.setString(1, directory);
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(new StoredAccount(directory, row.getString(1), row.getString(2))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveAccount(StoredAccount account) {
        withConnection(connection -> Jdbc.transaction(connection, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM acme_accounts WHERE directory = ?");
                 PreparedStatement insert = c.prepareStatement(
                         "INSERT INTO acme_accounts (directory, account_key, location) VALUES (?, ?, ?)")) {
                delete.setString(1, account.directory());
                delete.executeUpdate();
                insert.setString(1, account.directory());
                insert.setString(2, account.sealedKey());
                insert.setString(3, account.location());
                insert.executeUpdate();
            }
            return null;
        }));
    }

    @Override
    public void publishChallenge(String token, String content, Instant expires) {
        withConnection(connection -> Jdbc.transaction(connection, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM acme_challenges WHERE token = ? OR expires_at < ?");
                 PreparedStatement insert = c.prepareStatement("INSERT INTO acme_challenges (token, content, expires_at) VALUES (?, ?, ?)")) {
                delete.setString(1, token);
                delete.setLong(2, System.currentTimeMillis());
                delete.executeUpdate();
                insert.setString(1, token);
                insert.setString(2, content);
                insert.setLong(3, expires.toEpochMilli());
                insert.executeUpdate();
            }
            return null;
        }));
    }

    @Override
    public Optional<String> challenge(String token, Instant now) {
        return withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT content FROM acme_challenges WHERE token = ? AND expires_at > ?")) {
                query.setString(1, token);
                query.setLong(2, now.toEpochMilli());
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void withdrawChallenge(String token) {
        update("DELETE FROM acme_challenges WHERE token = ?", token);
    }

    @Override
    public boolean lease(String holder, Instant until, Instant now) {
        return withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE acme_orders SET holder = ?, lease_until = ? WHERE id = ? AND (lease_until < ? OR holder = ?)")) {
                update.setString(1, holder);
                update.setLong(2, until.toEpochMilli());
                update.setString(3, SERVER);
                update.setLong(4, now.toEpochMilli());
                update.setString(5, holder);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void release(String holder) {
        withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE acme_orders SET holder = NULL, lease_until = 0 WHERE id = ? AND holder = ?")) {
                update.setString(1, SERVER);
                update.setString(2, holder);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public OrderState orderState() {
        return withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT last_attempt, last_error, failures, next_attempt,"
                    + " failed_names, renew_requested FROM acme_orders WHERE id = ?")) {
                query.setString(1, SERVER);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        throw new SQLException("the acme_orders row is missing");
                    }
                    long attempt = row.getLong(1);
                    Instant lastAttempt = row.wasNull() ? null : Instant.ofEpochMilli(attempt);
                    return new OrderState(lastAttempt, row.getString(2), row.getInt(3), Instant.ofEpochMilli(row.getLong(4)),
                            parseNames(row.getString(5)), Instant.ofEpochMilli(row.getLong(6)));
                }
            }
        });
    }

    @Override
    public void recordAttempt(Instant attempt, String error, int failures, Instant nextAttempt, Map<String, LeftOut> failedNames) {
        withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE acme_orders SET last_attempt = ?, last_error = ?,"
                    + " failures = ?, next_attempt = ?, failed_names = ? WHERE id = ?")) {
                update.setLong(1, attempt.toEpochMilli());
                update.setString(2, error);
                update.setInt(3, failures);
                update.setLong(4, nextAttempt.toEpochMilli());
                StringBuilder names = new StringBuilder();
                failedNames.forEach((name, out) -> names.append(names.isEmpty() ? "" : ",").append(name).append('=')
                        .append(out.until().toEpochMilli()).append('/').append(out.days()));
                update.setString(5, names.toString());
                update.setString(6, SERVER);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public void requestRenewal(Instant at) {
        withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE acme_orders SET renew_requested = ? WHERE id = ?")) {
                update.setLong(1, at.toEpochMilli());
                update.setString(2, SERVER);
                return update.executeUpdate();
            }
        });
    }

    private void update(String sql, String value) {
        withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                update.setString(1, value);
                return update.executeUpdate();
            }
        });
    }

    /** {@code name=untilMillis/days,...} */
    private static Map<String, LeftOut> parseNames(String text) {
        Map<String, LeftOut> names = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            int equals = entry.indexOf('=');
            int slash = entry.indexOf('/', equals + 1);
            if (equals > 0 && slash > equals) {
                names.put(entry.substring(0, equals), new LeftOut(Instant.ofEpochMilli(Long.parseLong(entry.substring(equals + 1, slash))),
                        Integer.parseInt(entry.substring(slash + 1))));
            }
        }
        return names;
    }
}
