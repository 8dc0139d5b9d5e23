package org.mailforge.infrastructure.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.eclipse.persistence.platform.database.DatabasePlatform;
import org.eclipse.persistence.platform.database.PostgreSQLPlatform;

/** The databases Mailforge runs on, recognised from a live connection. */
public enum DatabaseKind {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String migrationFolder;

    DatabaseKind(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    /** Where this database's versioned migrations live on the class path. */
    public String migrationLocation() {
        return "classpath:db/migration/" + migrationFolder;
    }

    public DatabasePlatform newPlatform() {
        return this == SQLITE ? new SQLitePlatform() : new PostgreSQLPlatform();
    }

    /** The kind a JDBC URL names. */
    public static DatabaseKind fromUrl(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        throw new IllegalArgumentException("unsupported database URL: use jdbc:sqlite: or jdbc:postgresql:");
    }

    public static DatabaseKind of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("sqlite")) {
            return SQLITE;
        }
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        throw new SQLException("unsupported database " + product + ": use SQLite (SMTP_DB_PATH) or PostgreSQL (SMTP_DB_URL)");
    }

    public static DatabaseKind of(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return of(connection);
        }
    }
}
