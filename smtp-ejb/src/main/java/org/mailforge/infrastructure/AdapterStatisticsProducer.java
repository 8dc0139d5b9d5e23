package org.mailforge.infrastructure;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.mailforge.smtp.spi.AdapterStatistics;

/**
 * Makes the SMTP resource adapter's counters injectable: the administered object the adapter
 * publishes, which server.xml binds under {@link #JNDI_NAME} ({@code adminObject}). Looked up on
 * first use: the embedded adapter's objects exist only once its module has started.
 */
@ApplicationScoped
public class AdapterStatisticsProducer {

    public static final String JNDI_NAME = "mailforge/smtpAdapterStatistics";

    @Produces
    @ApplicationScoped
    AdapterStatistics statistics() {
        try {
            return InitialContext.doLookup(JNDI_NAME);
        } catch (NamingException e) {
            throw new IllegalStateException("the SMTP adapter's statistics are not bound at " + JNDI_NAME
                    + " (server.xml: adminObject)", e);
        }
    }
}
