package org.mailforge.application.users;

import org.mailforge.application.common.LogText;
import org.mailforge.application.metrics.MailMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.smtp.ratelimit.Allowance;
import org.mailforge.smtp.spi.RateLimit;
import org.mailforge.smtp.ratelimit.RateLimiter;

/**
 * Checks a login (user name or email address) and password for SMTP AUTH and the admin API.
 *
 * <p>Each Argon2id check passes the hasher's bounded gate; when its line is full the caller is told
 * to come back later ({@link Verdict#BUSY}), so an AUTH flood queues instead of exhausting memory.
 * Credentials verified in the last minute are recognised from a cache without hashing again.
 */
@ApplicationScoped
public class AuthenticationService {

    private static final Logger LOG = Logger.getLogger(AuthenticationService.class.getName());
    /**
     * BUSY: the hashing gate's line is full; BLOCKED: this login failed too often lately (from
     * anywhere), so the password was not even checked.
     */
    public enum Verdict { SUCCESS, FAILURE, BUSY, BLOCKED }

    /**
     * The outcome; {@code user} is set on success. {@code hashed} says the password was checked
     * now rather than recognised from the cache; {@code retryAfterSeconds} is set when BLOCKED.
     */
    public record Outcome(Verdict verdict, User user, boolean hashed, long retryAfterSeconds) {
        Outcome(Verdict verdict) {
            this(verdict, null, false, 0);
        }

        Outcome(Verdict verdict, User user, boolean hashed) {
            this(verdict, user, hashed, 0);
        }
    }

    /**
     * Failed logins per account and hour, from all addresses together: this many times the
     * per-address budget (SMTP_RATE_LIMIT_AUTH_FAILURES_PER_HOUR), so one address cannot lock an
     * account, while guessing spread over many addresses is still capped.
     */
    static final int ACCOUNT_BUDGET_FACTOR = 10;
    /** auth.failed webhooks per hour at most, whatever the failures (a token bucket: bursts up to it). */
    static final int AUTH_FAILED_EVENTS_PER_HOUR = 600;
    private static final String ALL_EVENTS = "auth.failed";

    private final CredentialCache recentlyVerified = new CredentialCache(Duration.ofSeconds(60), 10_000, Clock.systemUTC());

    @Inject
    UserRepository users;

    @Inject
    PasswordHashing hasher;

    @Inject
    MailMetrics metrics;

    @Inject
    ServerEvents events;

    @Inject
    org.mailforge.application.config.ServerConfiguration configuration;

    /**
     * The caller's own budget of failed logins (the client address's): a unit is taken just
     * before a password is hashed, and given back when it was right. A login recognised from the
     * cache takes none, so an API client's concurrent requests do not use up its address's budget.
     */
    public interface Reservation {
        /** Takes a unit: 0 when taken, else the seconds until one comes back. */
        long take();

        void giveBack();

        Reservation NONE = new Reservation() {
            @Override
            public long take() {
                return 0;
            }

            @Override
            public void giveBack() {
                // nothing taken
            }
        };
    }

    private RateLimiter accounts;
    private RateLimiter failureEvents;

    @jakarta.annotation.PostConstruct
    void init() {
        int perAddress = configuration.operations().authFailuresPerHour();
        accounts = new RateLimiter(Map.of(RateLimit.AUTH_FAILURES, perAddress * ACCOUNT_BUDGET_FACTOR), List.of(),
                100_000, System::nanoTime, limit -> { });
        failureEvents = new RateLimiter(Map.of(RateLimit.AUTH_FAILURES, AUTH_FAILED_EVENTS_PER_HOUR), List.of(),
                1, System::nanoTime, limit -> { });
    }

    /**
     * Takes a unit of the account's failure budget for a login another server is about to check
     * (Dovecot's IMAP asks before it checks a password): false when none is left. Given back by
     * {@link #succeededElsewhere} when the password was right.
     */
    public boolean takeElsewhere(String login) {
        return accounts.spend(budgetOf(login), RateLimit.AUTH_FAILURES).allowed();
    }

    /** The login taken by {@link #takeElsewhere} was right: its unit comes back. */
    public void succeededElsewhere(String login) {
        accounts.refund(budgetOf(login), RateLimit.AUTH_FAILURES);
    }

    private String budgetOf(String login) {
        String normalized = normalized(login);
        return budgetOf(normalized, find(normalized));
    }

    private static String normalized(String login) {
        return login == null ? "" : login.strip().toLowerCase(Locale.ROOT);
    }

    private Optional<User> find(String normalized) {
        return normalized.isEmpty() ? Optional.empty() : users.findByLogin(normalized);
    }

    /** One budget per account, whichever of its names (username, address) is guessed at. */
    private static String budgetOf(String normalized, Optional<User> found) {
        return found.map(user -> "account:" + user.getId()).orElse("login:" + normalized);
    }

    public Outcome authenticate(String login, char[] password) {
        return authenticate(login, password, Reservation.NONE);
    }

    /** {@link #authenticate(String, char[])}, spending from the caller's address budget too ({@code perAddress}). */
    public Outcome authenticate(String login, char[] password, Reservation perAddress) {
        String normalized = normalized(login);
        Optional<User> found = find(normalized);
        String budget = budgetOf(normalized, found);
        Outcome outcome = check(normalized, budget, password, found, perAddress);
        if (outcome.verdict() == Verdict.SUCCESS || outcome.verdict() == Verdict.FAILURE) {
            metrics.authAttempt(outcome.verdict() == Verdict.SUCCESS);
        }
        if (outcome.verdict() == Verdict.SUCCESS && outcome.hashed()) {
            // at most once per cache lifetime: an API client's every request is no new login,
            // and each write would queue behind mail deliveries for the database's write lock
            users.recordLogin(outcome.user().getId(), java.time.Instant.now());
        } else if (outcome.verdict() == Verdict.FAILURE) {
            // the login only, never the password (its unit of the account's budget was spent before the check)
            LOG.fine(() -> "authentication failed for login '" + LogText.escape(normalized) + "'");
            if (failureEvents.spend(ALL_EVENTS, RateLimit.AUTH_FAILURES).allowed()) {
                events.publish("auth.failed", () -> ServerEvent.fields("username", normalized));
            }
        }
        return outcome;
    }

    private Outcome check(String login, String budget, char[] password, Optional<User> found, Reservation perAddress) {
        if (found.isPresent()) {
            User user = found.get();
            if (recentlyVerified.isVerified(login, password, user.getId(), user.getPasswordHash())) {
                return user.isEnabled() ? new Outcome(Verdict.SUCCESS, user, false) : new Outcome(Verdict.FAILURE);
            }
        }
        // spent before the check, given back on success: guesses made at once cannot all pass a look at what is left
        long addressBlocked = perAddress.take();
        if (addressBlocked > 0) {
            return new Outcome(Verdict.BLOCKED, null, false, addressBlocked);
        }
        Allowance account = accounts.spend(budget, RateLimit.AUTH_FAILURES);
        if (!account.allowed()) {
            return new Outcome(Verdict.BLOCKED, null, false, account.secondsToRetry()); // the address's unit stays spent
        }
        try {
            if (found.isEmpty()) {
                hasher.verifyDummy(password); // an unknown login costs what a wrong password costs
                return new Outcome(Verdict.FAILURE);
            }
            User user = found.get();
            if (!hasher.verify(password, user.getPasswordHash())) {
                return new Outcome(Verdict.FAILURE);
            }
            recentlyVerified.remember(login, password, user.getId(), user.getPasswordHash());
            if (!user.isEnabled()) {
                return new Outcome(Verdict.FAILURE);
            }
            accounts.refund(budget, RateLimit.AUTH_FAILURES);
            perAddress.giveBack();
            return new Outcome(Verdict.SUCCESS, user, true);
        } catch (PasswordHashing.Busy e) {
            accounts.refund(budget, RateLimit.AUTH_FAILURES); // not checked: no guess was made
            perAddress.giveBack();
            return new Outcome(Verdict.BUSY);
        }
    }
}
