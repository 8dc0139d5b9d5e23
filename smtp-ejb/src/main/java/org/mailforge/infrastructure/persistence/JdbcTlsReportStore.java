package org.mailforge.infrastructure.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.application.outbound.tlsreport.TlsReportStore;
import org.mailforge.application.outbound.tlsreport.TlsSession;

/**
 * TLS report counts and sends in {@code tls_report_counts} and {@code tls_report_sends}, in plain
 * JDBC: a session adds one to its row (an INSERT that becomes an UPDATE when the row is there),
 * and a claim is an INSERT only one node's succeeds in.
 */
@ApplicationScoped
public class JdbcTlsReportStore implements TlsReportStore {

    @Resource(lookup = "jdbc/mailforge", shareable = false)
    DataSource dataSource;

    @Override
    public void record(LocalDate day, List<TlsSession> sessions, int maxRows) {
        if (sessions.isEmpty()) {
            return;
        }
        // the rows are counted before the writing transaction: SQLite refuses at once, without waiting, a transaction
        // that read first and then wants to write while another writes
        java.util.Set<String> full = new java.util.HashSet<>();
        Jdbc.withConnection(dataSource, "TLS report counts", connection -> {
            try (PreparedStatement rows = connection.prepareStatement(
                    "SELECT COUNT(*) FROM tls_report_counts WHERE day = ? AND policy_domain = ?")) {
                for (String domain : sessions.stream().map(TlsSession::policyDomain).distinct().toList()) {
                    rows.setString(1, day.toString());
                    rows.setString(2, domain);
                    try (ResultSet count = rows.executeQuery()) {
                        if (count.next() && count.getInt(1) >= maxRows) {
                            full.add(domain);
                        }
                    }
                }
                return full.size();
            }
        });
        Jdbc.withConnection(dataSource, "TLS report counts", connection -> Jdbc.transaction(connection, c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO tls_report_counts (day, policy_domain, kind, policy_type,"
                    + " policy_strings, policy_mx, mx_host, sending_ip, receiving_ip, result_type, detail, sessions)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
                    + " ON CONFLICT (day, policy_domain, kind) DO UPDATE SET sessions = tls_report_counts.sessions + 1")) {
                for (TlsSession session : sessions) {
                    // a destination that varies its hosts, addresses or policies without end gets one row per kind of result past the cap
                    String[] fields = full.contains(session.policyDomain())
                            ? new String[] {session.policyType(), "", "", "", "", "", text(session.resultType()), ""}
                            : new String[] {session.policyType(), String.join("\n", session.policyStrings()),
                                    String.join("\n", session.policyMx()), text(session.mxHost()), text(session.sendingIp()),
                                    text(session.receivingIp()), text(session.resultType()), text(session.detail())};
                    upsert.setString(1, day.toString());
                    upsert.setString(2, session.policyDomain());
                    upsert.setString(3, kind(fields));
                    for (int i = 0; i < fields.length; i++) {
                        upsert.setString(4 + i, fields[i]);
                    }
                    upsert.executeUpdate();
                }
                return sessions.size();
            }
        }));
    }

    @Override
    public void release(LocalDate day, String domain) {
        Jdbc.withConnection(dataSource, "TLS report sends", connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM tls_report_sends WHERE day = ? AND policy_domain = ?")) {
                delete.setString(1, day.toString());
                delete.setString(2, domain);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public boolean countReportTo(String address, LocalDate day, int max) {
        return Jdbc.withConnection(dataSource, "TLS report addresses", connection -> Jdbc.transaction(connection, c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO tls_report_addresses (address, day, reports) VALUES (?, ?, 0) ON CONFLICT DO NOTHING");
                 PreparedStatement update = c.prepareStatement(
                         "UPDATE tls_report_addresses SET reports = reports + 1 WHERE address = ? AND day = ? AND reports < ?")) {
                insert.setString(1, address.toLowerCase(java.util.Locale.ROOT));
                insert.setString(2, day.toString());
                insert.executeUpdate();
                update.setString(1, address.toLowerCase(java.util.Locale.ROOT));
                update.setString(2, day.toString());
                update.setInt(3, max);
                return update.executeUpdate() == 1;
            }
        }));
    }

    @Override
    public List<String> domains(LocalDate day, int limit) {
        return Jdbc.withConnection(dataSource, "TLS report counts", connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT policy_domain FROM tls_report_counts WHERE day = ? GROUP BY policy_domain"
                            + " ORDER BY SUM(sessions) DESC, policy_domain LIMIT ?")) {
                query.setString(1, day.toString());
                query.setInt(2, limit);
                List<String> domains = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        domains.add(rows.getString(1));
                    }
                }
                return domains;
            }
        });
    }

    @Override
    public List<Count> counts(LocalDate day, String domain) {
        return Jdbc.withConnection(dataSource, "TLS report counts", connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT policy_type, policy_strings, policy_mx, mx_host, sending_ip,"
                    + " receiving_ip, result_type, detail, sessions FROM tls_report_counts WHERE day = ? AND policy_domain = ?"
                    + " ORDER BY policy_type, policy_strings, result_type, mx_host, receiving_ip")) {
                query.setString(1, day.toString());
                query.setString(2, domain);
                List<Count> counts = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        counts.add(new Count(rows.getString(1), lines(rows.getString(2)), lines(rows.getString(3)), nullIfEmpty(rows.getString(4)),
                                nullIfEmpty(rows.getString(5)), nullIfEmpty(rows.getString(6)), nullIfEmpty(rows.getString(7)),
                                nullIfEmpty(rows.getString(8)), rows.getLong(9)));
                    }
                }
                return counts;
            }
        });
    }

    @Override
    public boolean claim(LocalDate day, String domain, Instant now) {
        return Jdbc.withConnection(dataSource, "TLS report sends", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO tls_report_sends (day, policy_domain, claimed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, day.toString());
                insert.setString(2, domain);
                insert.setLong(3, now.toEpochMilli());
                return insert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void sent(LocalDate day, String domain, String outcome, int reports) {
        Jdbc.withConnection(dataSource, "TLS report sends", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tls_report_sends SET outcome = ?, reports = ? WHERE day = ? AND policy_domain = ?")) {
                update.setString(1, outcome);
                update.setInt(2, reports);
                update.setString(3, day.toString());
                update.setString(4, domain);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public int sentSince(Instant since) {
        return Jdbc.withConnection(dataSource, "TLS report sends", connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT COALESCE(SUM(reports), 0) FROM tls_report_sends WHERE claimed_at >= ?")) {
                query.setLong(1, since.toEpochMilli());
                try (ResultSet row = query.executeQuery()) {
                    return row.next() ? row.getInt(1) : 0;
                }
            }
        });
    }

    @Override
    public boolean bounced(String address) {
        return Jdbc.withConnection(dataSource, "TLS report bounces", connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM tls_report_bounces WHERE address = ?")) {
                query.setString(1, address.toLowerCase(java.util.Locale.ROOT));
                try (ResultSet row = query.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    @Override
    public void bounced(String address, Instant when) {
        Jdbc.withConnection(dataSource, "TLS report bounces", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO tls_report_bounces (address, bounced_at) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, address.toLowerCase(java.util.Locale.ROOT));
                insert.setLong(2, when.toEpochMilli());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public int purge(LocalDate before) {
        return Jdbc.withConnection(dataSource, "TLS report counts", connection -> {
            int purged = 0;
            for (String table : List.of("tls_report_counts", "tls_report_sends", "tls_report_addresses")) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE day < ?")) {
                    delete.setString(1, before.toString());
                    purged += delete.executeUpdate();
                }
            }
            return purged;
        });
    }

    private static String kind(String[] fields) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String field : fields) {
                digest.update(field.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String nullIfEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static List<String> lines(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split("\n"));
    }
}
