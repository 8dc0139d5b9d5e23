package org.mailforge.application.domaincheck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;

/**
 * Checks every local domain's DNS once a day (one node per domain) and fires the
 * {@code domain.check.failed} webhook when a check that passed or warned before now fails: the
 * administrator hears of a record someone changed before the receivers start junking the mail.
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class DomainCheckSchedule {

    private static final Logger LOG = Logger.getLogger(DomainCheckSchedule.class.getName());
    static final Duration INTERVAL = Duration.ofHours(23);

    @Inject
    ServerConfiguration configuration;
    @Inject
    MailDirectory directory;
    @Inject
    DomainCheckService checks;
    @Inject
    DomainCheckRecords records;
    @Inject
    ServerEvents events;

    Clock clock = Clock.systemUTC();

    /** Every hour each node looks for domains not checked for a day. */
    @Schedule(hour = "*", minute = "23", second = "0", persistent = false)
    void hourly() {
        String host = configuration.listener().hostname().toLowerCase(Locale.ROOT);
        for (String domain : directory.localDomains()) {
            if (!domain.contains(".") || domain.equals(host)) {
                continue; // localhost, and the host name (a name, not a mail domain of its own)
            }
            try {
                checkIfDue(domain);
            } catch (RuntimeException e) {
                LOG.warning("the daily DNS check of " + domain + " failed: " + e);
            }
        }
    }

    /** @return the checks that turned to fail, or null when the check was not due here */
    List<String> checkIfDue(String domain) {
        Instant now = clock.instant();
        Optional<List<String>> before = records.claim(domain, now, INTERVAL);
        if (before.isEmpty()) {
            return null;
        }
        DomainCheck check = checks.check(domain);
        List<String> failing = check.failing();
        records.record(domain, failing);
        List<String> turned = failing.stream().filter(name -> !before.get().contains(name)).toList();
        if (!turned.isEmpty()) {
            List<String> reasons = check.items().stream().filter(item -> turned.contains(item.check())
                    && item.status() == DomainCheck.Status.FAIL).map(item -> item.check() + ": " + item.reason()).toList();
            LOG.warning("DNS check of " + domain + ": now failing " + reasons);
            events.publish("domain.check.failed", () -> ServerEvent.fields("domain", domain, "failing", failing, "new", turned,
                    "reasons", reasons));
        }
        return turned;
    }
}
