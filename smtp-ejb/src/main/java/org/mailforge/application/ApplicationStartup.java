package org.mailforge.application;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;

import org.mailforge.domain.mail.StoredMessageRepository;
import org.mailforge.infrastructure.config.ServerConfiguration;
import org.mailforge.domain.mail.MailStore;

/**
 * Start-up checks: a configuration or a path this server cannot use stops the application at once,
 * with a message that names the variable to set, instead of failing mail later.
 */
@Singleton
@Startup
public class ApplicationStartup {

    private static final Logger LOG = Logger.getLogger(ApplicationStartup.class.getName());

    @Inject
    ServerConfiguration configuration;

    @Inject
    MailStore store;

    @Inject
    StoredMessageRepository messages;

    @PostConstruct
    void start() {
        Logger.getLogger("org.mailforge").setLevel(configuration.logLevel().julLevel());
        configuration.unavailableFeatures().forEach(LOG::warning);
        store.checkAvailable();
        prepareDatabaseFolder(Path.of(configuration.dbPath()).toAbsolutePath());
        long stored = messages.countAll(); // opens the database and brings the schema up to date
        LOG.info(() -> "Mailforge ready: " + configuration.storageType().name().toLowerCase() + " storage at "
                + configuration.storagePath() + ", " + stored + " messages indexed in " + configuration.dbPath());
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
