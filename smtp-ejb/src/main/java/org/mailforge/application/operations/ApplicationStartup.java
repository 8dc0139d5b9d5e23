package org.mailforge.application.operations;

import org.mailforge.application.users.UserService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import org.mailforge.domain.user.UserRepository;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.application.users.GeneratedPassword;

/**
 * Start-up checks: a configuration or a path this server cannot use stops the application at once,
 * with a message that names the variable to set, instead of failing mail later.
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN) // migrations commit on their own
public class ApplicationStartup {

    private static final Logger LOG = Logger.getLogger(ApplicationStartup.class.getName());

    @Inject
    ServerConfiguration configuration;

    @Inject
    MailStore store;

    @Inject
    org.mailforge.domain.queue.QueueSpool queueSpool;

    @Inject
    UserRepository users;

    @Inject
    UserService userService;

    @Inject
    DatabaseSchema schema;

    @PostConstruct
    void start() {
        store.checkAvailable();
        queueSpool.checkAvailable();
        LOG.info(() -> "outbound: " + configuration.outbound());
        if (configuration.storage().sqliteFile() != null) {
            prepareDatabaseFolder(configuration.storage().sqliteFile().toAbsolutePath());
        }
        migrateSchema();
        ensureAdministrator();
        // no count of the stored messages here: on a large PostgreSQL it is a scan of the whole index (GET /api/stats has it)
        LOG.info(() -> "Mailforge ready: " + configuration.storage().type().name().toLowerCase() + " storage at "
                + configuration.storage().describeStorage() + ", " + users.count() + " users");
    }

    private void migrateSchema() {
        try {
            DatabaseSchema.Migrated result = schema.migrate();
            LOG.info(() -> "database schema at version " + result.version() + " (" + result.applied() + " migrations applied now)");
        } catch (java.sql.SQLException | RuntimeException e) {
            throw new IllegalStateException("database " + configuration.storage().describeDatabase()
                    + " cannot be opened or migrated (check SMTP_DB_PATH / SMTP_DB_URL): " + e.getMessage(), e);
        }
    }

    /**
     * First start: create the administrator from SMTP_ADMIN_USERNAME / SMTP_ADMIN_PASSWORD, or
     * with a generated password that is printed once, so a fresh server can be managed at once.
     */
    private void ensureAdministrator() {
        if (users.activeAdmins() > 0) {
            return;
        }
        String username = configuration.admin().username();
        java.util.Optional<org.mailforge.domain.user.User> existing = users.findByUsername(username);
        if (existing.isPresent()) {
            // the account is there but no longer an enabled administrator (changed outside the
            // API, say): make it one again rather than failing on a duplicate user
            org.mailforge.domain.user.User admin = existing.get();
            admin.setAdmin(true);
            admin.setEnabled(true);
            users.update(admin);
            LOG.warning("no enabled administrator: made '" + username + "' (SMTP_ADMIN_USERNAME) an enabled administrator again");
            return;
        }
        boolean generated = configuration.admin().password() == null;
        char[] password = generated ? GeneratedPassword.next() : configuration.admin().password().toCharArray();
        String shown = generated ? new String(password) : null;
        try {
            userService.create(username, configuration.admin().email(), password, 0L, true);
        } catch (RuntimeException e) {
            if (users.activeAdmins() > 0) { // another node of the cluster, starting at the same time, was first
                LOG.info(() -> "administrator created by another node: " + e.getMessage());
                return;
            }
            throw e;
        }
        if (generated) {
            // deliberately once, at first start, so the administrator can log in; never again
            LOG.warning("created administrator '" + username + "' with generated password: " + shown
                    + "  (set SMTP_ADMIN_PASSWORD to choose it; change it with PUT /api/users/" + username + ")");
        } else {
            LOG.info("created administrator '" + username + "' from SMTP_ADMIN_USERNAME/SMTP_ADMIN_PASSWORD");
        }
    }

    private static void prepareDatabaseFolder(Path database) {
        try {
            Files.createDirectories(database.getParent());
        } catch (IOException e) {
            throw new IllegalStateException("SMTP_DB_PATH=" + database + ": cannot create its folder (" + e
                    + "); set SMTP_DB_PATH to a writable location", e);
        }
        if (!Files.isWritable(database.getParent())) {
            throw new IllegalStateException("SMTP_DB_PATH=" + database + " is in a folder this server cannot write;"
                    + " set SMTP_DB_PATH to a writable location");
        }
    }
}
