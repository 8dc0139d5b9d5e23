package org.mailforge.infrastructure.persistence;

import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.application.operations.DatabaseSchema;

/** The server's schema migrations on its data source (user-cli runs the same ones on its own connection). */
@ApplicationScoped
public class FlywayDatabaseSchema implements DatabaseSchema {

    @Resource(lookup = "jdbc/mailforge", shareable = false) // returned to the pool on close, even inside a local transaction
    DataSource dataSource;

    @Override
    public Migrated migrate() throws SQLException {
        return SchemaMigrations.migrate(dataSource);
    }
}
