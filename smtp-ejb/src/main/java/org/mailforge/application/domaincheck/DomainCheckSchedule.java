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
 * {@code domain.check.failed} webhook when an item that passed or warned before now fails: the
 * administrator hears of a record someone changed before the receivers start junking the mail. The
 * first check of a domain only sets the baseline; an item DNS did not answer keeps its earlier
 * outcome (a resolver outage neither clears a failure nor announces it again when DNS is back).
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
        Optional<DomainCheckRecords.Previous> claimed = records.claim(domain, now, INTERVAL);
        if (claimed.isEmpty()) {
            return null;
        }
        DomainCheckRecords.Previous before = claimed.get();
        DomainCheck check = checks.check(domain);
        List<String> failing = check.failingKeys();
        // what DNS did not answer this time keeps its earlier outcome: an outage neither clears a failure nor announces it again
        List<String> kept = new java.util.ArrayList<>(failing);
        before.failing().stream().filter(key -> check.unanswered().contains(key.split(":", 2)[0]) && !kept.contains(key)).forEach(kept::add);
        records.record(domain, kept);
        if (!before.checkedBefore()) {
            return List.of(); // the first check sets the baseline: what fails from the start is in the API, not a change
        }
        List<String> turned = failing.stream().filter(key -> !before.failing().contains(key)).toList();
        if (!turned.isEmpty()) {
            List<String> reasons = check.items().stream().filter(item -> turned.contains(item.key())
                    && item.status() == DomainCheck.Status.FAIL).map(item -> item.key() + ": " + item.reason()).toList();
            LOG.warning("DNS check of " + domain + ": now failing " + reasons);
            events.publish("domain.check.failed", () -> ServerEvent.fields("domain", domain, "failing", check.failing(), "new", turned,
                    "reasons", reasons));
        }
        return turned;
    }
}
