package org.mailforge.infrastructure.persistence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.mailforge.application.operations.DatabaseSchema.Migrated;

/**
 * Brings the schema to the current version with the versioned SQL migrations under
 * {@code db/migration/<database>/} (Flyway). The server runs it at start-up, user-cli before
 * each command, so either may meet a new or an old database first.
 *
 * <p>Each migration folder (and Flyway's default {@code db/callback}) holds an empty
 * {@code flyway.location} file: on Liberty, Flyway finds a class-path location through it.
 *
 * <p>The server's start asks the schema history first: when the last migration recorded there is
 * {@link #NEWEST} and succeeded, the schema is current and Flyway is not started (it scans its
 * locations, loads its classes and validates every applied script: about 0.5 s of a start). Any
 * other answer, or none (a new database), runs Flyway as before.
 */
public final class SchemaMigrations {

    /** The newest migration's version, the same in every folder; SchemaMigrationsTest holds it to the files. */
    static final int NEWEST = 13;

    static final String HISTORY = "schema_history";

    private SchemaMigrations() {
    }

    public static Migrated migrate(DataSource dataSource) throws SQLException {
        Optional<String> current = currentVersion(dataSource);
        if (current.isPresent()) {
            return new Migrated(current.get(), 0);
        }
        MigrateResult result = migrate(configuration().dataSource(dataSource), DatabaseKind.of(dataSource));
        return new Migrated(result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted);
    }

    public static MigrateResult migrate(String url, String user, String password) {
        return migrate(configuration().dataSource(url, user, password), DatabaseKind.fromUrl(url));
    }

    /**
     * The schema's version when the last migration of its history is {@link #NEWEST} and
     * succeeded; empty otherwise, and when there is no history yet.
     */
    static Optional<String> currentVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet last = statement.executeQuery("SELECT version, success FROM " + HISTORY
                        + " WHERE installed_rank = (SELECT MAX(installed_rank) FROM " + HISTORY + ")")) {
            if (last.next() && last.getBoolean("success") && String.valueOf(NEWEST).equals(last.getString("version"))) {
                return Optional.of(last.getString("version"));
            }
            return Optional.empty();
        } catch (SQLException noHistoryYet) {
            return Optional.empty(); // Flyway creates the table, or says what is wrong with the database
        }
    }

    private static FluentConfiguration configuration() {
        return Flyway.configure(SchemaMigrations.class.getClassLoader());
    }

    private static MigrateResult migrate(FluentConfiguration configuration, DatabaseKind kind) {
        return configuration
                .locations(kind.migrationLocation())
                .failOnMissingLocations(true)
                .table(HISTORY)
                .load()
                .migrate();
    }
}
