package org.mailforge.application.operations;

/** Brings the database's schema to this version of the server (infrastructure: Flyway). */
public interface DatabaseSchema {

    /** What a migration did: the version the schema is at now, and how many steps ran just now. */
    record Migrated(String version, int applied) {
    }

    /** Migrates the schema; fails when the database cannot be reached or migrated. */
    Migrated migrate() throws java.sql.SQLException;
}
