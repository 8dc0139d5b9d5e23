package org.mailforge.interfaces.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;

import org.mailforge.infrastructure.persistence.SchemaMigrations;
import org.mailforge.smtp.settings.SettingsReader;
import org.mailforge.smtp.settings.StorageSetting;
import org.mailforge.infrastructure.persistence.DatabaseKind;
import org.mailforge.infrastructure.persistence.JpaTransactions;

/**
 * The server's database as user-cli sees it: the same variables (SMTP_DB_URL wins over
 * SMTP_DB_PATH; SMTP_DB_USER, SMTP_DB_PASSWORD), the same migrations, resource-local JPA.
 */
final class CliDatabase implements JpaTransactions, AutoCloseable {

    /** SQLite settings matching the server's: WAL, full sync, wait up to 30 s for the writer lock. */
    static final String SQLITE_OPTIONS = "?journal_mode=WAL&synchronous=FULL&busy_timeout=30000";

    private final String url;
    private final String user;
    private final String password;
    private final EntityManagerFactory factory;

    CliDatabase(Function<String, String> env) throws SQLException {
        SettingsReader settings = new SettingsReader(name -> Optional.ofNullable(env.apply(name)));
        String configured = settings.text(StorageSetting.DB_URL);
        if (configured == null) {
            Path file = Path.of(settings.text(StorageSetting.DB_PATH));
            Path folder = file.toAbsolutePath().getParent();
            if (folder != null && !Files.isDirectory(folder)) {
                throw new SQLException("the folder of SMTP_DB_PATH=" + file + " does not exist");
            }
            configured = "jdbc:sqlite:" + file + SQLITE_OPTIONS;
        }
        this.url = configured;
        this.user = settings.text(StorageSetting.DB_USER);
        this.password = settings.text(StorageSetting.DB_PASSWORD);
        SchemaMigrations.migrate(url, user, password);
        Map<String, Object> properties = new HashMap<>();
        properties.put("jakarta.persistence.jdbc.url", url);
        if (user != null) {
            properties.put("jakarta.persistence.jdbc.user", user);
        }
        if (password != null) {
            properties.put("jakarta.persistence.jdbc.password", password);
        }
        this.factory = Persistence.createEntityManagerFactory("mailforge-cli", properties);
    }

    @Override
    public DatabaseKind kind() {
        return DatabaseKind.fromUrl(url);
    }

    /** Reads without a transaction. */
    @Override
    public <T> T read(Function<EntityManager, T> work) {
        EntityManager em = factory.createEntityManager();
        try {
            return work.apply(em);
        } finally {
            em.close();
        }
    }

    /** The same: the CLI holds no connection between its steps. */
    @Override
    public <T> T readAlone(Function<EntityManager, T> work) {
        return read(work);
    }

    /** Every write is one transaction of its own, committed when this returns. */
    @Override
    public <T> T write(Function<EntityManager, T> work) {
        return writeAlone(work);
    }

    @Override
    public <T> T writeAlone(Function<EntityManager, T> work) {
        EntityManager em = factory.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    @Override
    public void close() {
        factory.close();
    }
}
