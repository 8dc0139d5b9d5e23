package org.mailforge.infrastructure.scanning;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.mailforge.application.config.ScanningConfiguration;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.scanning.Scanners;

/** clamd, spamd and rspamd clients for the scanners the configuration enables. */
@ApplicationScoped
public class ScannersProducer {

    @Produces
    @Singleton
    Scanners scanners(ServerConfiguration configuration) {
        ScanningConfiguration settings = configuration.scanning();
        return new Scanners(
                settings.clamAvEnabled()
                        ? new ClamdClient(settings.clamAvHost(), settings.clamAvPort(), settings.timeout(), settings.maxConnections())
                        : null,
                settings.rspamd() != null
                        ? new RspamdClient(settings.rspamd(), settings.rspamdController(), settings.rspamdPassword(),
                                settings.timeout(), settings.maxConnections())
                        : settings.spamAssassinEnabled()
                                ? new SpamdClient(settings.spamAssassinHost(), settings.spamAssassinPort(), settings.timeout(),
                                        settings.maxConnections())
                                : null);
    }
}
