package org.mailforge.infrastructure.persistence;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** What the plain-JDBC stores share: a connection borrowed for some work, and a local transaction on it. */
final class Jdbc {

    private Jdbc() {
    }

    @FunctionalInterface
    interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    /** Runs {@code work} on a connection of the pool, given back after; an SQL failure becomes an IllegalStateException naming {@code what}. */
    static <T> T withConnection(DataSource dataSource, String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.on(connection);
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /**
     * One local transaction on the connection, committed or rolled back, auto-commit again
     * afterwards. On SQLite it must begin with its write, never with a read: a read first makes
     * the write fail at once when another session wrote in between.
     */
    static <T> T transaction(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.on(connection);
            connection.commit();
            return result;
        } catch (Throwable e) {
            connection.rollback(); // before auto-commit is set again, which would commit what was done
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
