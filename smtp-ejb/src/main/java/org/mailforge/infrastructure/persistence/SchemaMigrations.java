package org.mailforge.infrastructure.persistence;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema to the current version with the versioned SQL migrations under
 * {@code db/migration/<database>/} (Flyway). The server runs it at start-up, user-cli before
 * each command, so either may meet a new or an old database first.
 *
 * <p>Each migration folder (and Flyway's default {@code db/callback}) holds an empty
 * {@code flyway.location} file: on Liberty, Flyway finds a class-path location through it.
 */
public final class SchemaMigrations {

    private SchemaMigrations() {
    }

    public static MigrateResult migrate(DataSource dataSource) throws SQLException {
        return migrate(configuration().dataSource(dataSource), DatabaseKind.of(dataSource));
    }

    public static MigrateResult migrate(String url, String user, String password) {
        return migrate(configuration().dataSource(url, user, password), DatabaseKind.fromUrl(url));
    }

    private static FluentConfiguration configuration() {
        return Flyway.configure(SchemaMigrations.class.getClassLoader());
    }

    private static MigrateResult migrate(FluentConfiguration configuration, DatabaseKind kind) {
        return configuration
                .locations(kind.migrationLocation())
                .failOnMissingLocations(true)
                .table("schema_history")
                .load()
                .migrate();
    }
}
