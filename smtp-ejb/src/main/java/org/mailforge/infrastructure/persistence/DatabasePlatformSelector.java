package org.mailforge.infrastructure.persistence;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.persistence.config.SessionCustomizer;
import org.eclipse.persistence.internal.databaseaccess.DatasourcePlatform;
import org.eclipse.persistence.platform.database.DatabasePlatform;
import org.eclipse.persistence.sessions.DatabaseLogin;
import org.eclipse.persistence.sessions.JNDIConnector;
import org.eclipse.persistence.sessions.Session;
import org.mailforge.smtp.settings.SettingsReader;
import org.mailforge.smtp.settings.StorageSetting;

/**
 * Picks EclipseLink's database platform from the configured JDBC URL, so that one persistence
 * unit serves SQLite and PostgreSQL alike. (persistence.xml names the SQLite platform so that
 * EclipseLink does not run its own detection, which does not know SQLite.)
 *
 * <p>It reads the URL rather than opening a connection: in the server the pool may hold a single
 * connection, which EclipseLink is about to take.
 */
public class DatabasePlatformSelector implements SessionCustomizer {

    @Override
    public void customize(Session session) {
        DatabaseLogin login = (DatabaseLogin) session.getDatasourceLogin();
        String url = login.getConnector() instanceof JNDIConnector
                ? new SettingsReader(name -> ConfigProvider.getConfig(DatabasePlatformSelector.class.getClassLoader())
                        .getOptionalValue(name, String.class)).text(StorageSetting.DB_URL, "jdbc:sqlite:")
                : login.getConnectionString();
        DatabaseKind kind = DatabaseKind.fromUrl(url);
        if (kind != DatabaseKind.SQLITE) {
            DatasourcePlatform configured = (DatasourcePlatform) login.getDatasourcePlatform();
            DatabasePlatform platform = kind.newPlatform();
            // keep the sequencing EclipseLink derived from the mappings (IDENTITY columns)
            platform.setDefaultSequence(configured.getDefaultSequence());
            platform.setSequences(configured.getSequences());
            login.setPlatform(platform);
        }
    }
}
