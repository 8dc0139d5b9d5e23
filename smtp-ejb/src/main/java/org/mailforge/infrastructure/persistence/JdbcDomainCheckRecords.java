package org.mailforge.infrastructure.persistence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.application.domaincheck.DomainCheckRecords;

/**
 * The daily DNS checks in the {@code domain_checks} table, in plain JDBC. A claim is one
 * conditional UPDATE (after an INSERT of a never-checked domain that changes nothing if it exists),
 * so two nodes never both take a domain's check.
 */
@ApplicationScoped
public class JdbcDomainCheckRecords implements DomainCheckRecords {

    @Resource(lookup = "jdbc/mailforge", shareable = false)
    DataSource dataSource;

    @Override
    public Optional<Previous> claim(String domain, Instant now, Duration interval) {
        return Jdbc.withConnection(dataSource, "domain checks", connection -> Jdbc.transaction(connection, c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO domain_checks (domain, failing, checked_at) VALUES (?, NULL, 0) ON CONFLICT DO NOTHING");
                 PreparedStatement update = c.prepareStatement("UPDATE domain_checks SET checked_at = ? WHERE domain = ? AND checked_at < ?");
                 PreparedStatement query = c.prepareStatement("SELECT failing FROM domain_checks WHERE domain = ?")) {
                insert.setString(1, domain);
                insert.executeUpdate();
                update.setLong(1, now.toEpochMilli());
                update.setString(2, domain);
                update.setLong(3, now.minus(interval).toEpochMilli());
                if (update.executeUpdate() != 1) {
                    return Optional.<Previous>empty();
                }
                query.setString(1, domain);
                try (ResultSet row = query.executeQuery()) {
                    String failing = row.next() ? row.getString(1) : null;
                    return Optional.of(new Previous(failing != null,
                            failing == null ? List.of() : Arrays.stream(failing.split(",")).filter(name -> !name.isEmpty()).toList()));
                }
            }
        }));
    }

    @Override
    public void record(String domain, List<String> failing) {
        Jdbc.withConnection(dataSource, "domain checks", connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE domain_checks SET failing = ? WHERE domain = ?")) {
                update.setString(1, String.join(",", failing));
                update.setString(2, domain);
                return update.executeUpdate();
            }
        });
    }
}
