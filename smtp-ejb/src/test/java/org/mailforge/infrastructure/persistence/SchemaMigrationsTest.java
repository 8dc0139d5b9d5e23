package org.mailforge.infrastructure.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.application.operations.DatabaseSchema.Migrated;
import org.sqlite.SQLiteDataSource;

/** The server's start migrates a new or old schema with Flyway and leaves a current one alone. */
class SchemaMigrationsTest {

    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

    @TempDir
    Path folder;

    @Test
    void theNewestVersionIsTheNewestMigrationOfEveryDatabase() throws IOException, URISyntaxException {
        for (DatabaseKind kind : DatabaseKind.values()) {
            Path migrations = Path.of(SchemaMigrationsTest.class.getClassLoader()
                    .getResource(kind.migrationLocation().substring("classpath:".length())).toURI());
            int newest;
            try (Stream<Path> files = Files.list(migrations)) {
                newest = files.map(file -> VERSIONED.matcher(file.getFileName().toString())).filter(Matcher::matches)
                        .mapToInt(name -> Integer.parseInt(name.group(1))).max().orElseThrow();
            }
            assertEquals(newest, SchemaMigrations.NEWEST, kind + ": the newest migration in " + migrations);
        }
    }

    @Test
    void aNewDatabaseIsMigratedAndACurrentOneIsLeftAsItIs() throws SQLException {
        SQLiteDataSource database = database();
        assertEquals(new Migrated(String.valueOf(SchemaMigrations.NEWEST), SchemaMigrations.NEWEST), SchemaMigrations.migrate(database));

        // Flyway would refuse this history (an applied script's checksum changed): the start does not run it
        execute(database, "UPDATE schema_history SET checksum = checksum + 1 WHERE version = '1'");
        assertEquals(new Migrated(String.valueOf(SchemaMigrations.NEWEST), 0), SchemaMigrations.migrate(database));
    }

    @Test
    void aHistoryThatEndsInAFailedMigrationGoesToFlyway() throws SQLException {
        SQLiteDataSource database = database();
        SchemaMigrations.migrate(database);
        execute(database, "UPDATE schema_history SET success = 0 WHERE version = '" + SchemaMigrations.NEWEST + "'");
        FlywayException refused = assertThrows(FlywayException.class, () -> SchemaMigrations.migrate(database));
        assertTrue(refused.getMessage().contains("failed"), refused.getMessage());
    }

    @Test
    void anOlderSchemaIsMigrated() throws SQLException {
        SQLiteDataSource database = database();
        Flyway.configure().dataSource(database).locations(DatabaseKind.SQLITE.migrationLocation()).table(SchemaMigrations.HISTORY)
                .target(String.valueOf(SchemaMigrations.NEWEST - 1)).load().migrate(); // a server one version older made it
        assertEquals(new Migrated(String.valueOf(SchemaMigrations.NEWEST), 1), SchemaMigrations.migrate(database));
    }

    private SQLiteDataSource database() {
        SQLiteDataSource database = new SQLiteDataSource();
        database.setUrl("jdbc:sqlite:" + folder.resolve("smtp.db"));
        return database;
    }

    private static void execute(SQLiteDataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }
}
