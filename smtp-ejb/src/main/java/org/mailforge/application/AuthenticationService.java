package org.mailforge.application;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.infrastructure.security.CredentialCache;
import org.mailforge.infrastructure.security.PasswordHasher;

/**
 * Checks a login (user name or email address) and password for SMTP AUTH and the admin API.
 *
 * <p>Each Argon2id check costs about 64 MiB and a few hundred milliseconds of CPU, so at most
 * {@link #CONCURRENT_HASHES} run at once; a bounded number of callers wait in line and the rest
 * are told to come back later, so an AUTH flood queues instead of exhausting memory. Credentials
 * verified in the last minute are recognised from a cache without hashing again.
 */
@ApplicationScoped
public class AuthenticationService {

    private static final Logger LOG = Logger.getLogger(AuthenticationService.class.getName());
    static final int CONCURRENT_HASHES = Math.max(1, Runtime.getRuntime().availableProcessors());
    static final int MAX_WAITING = 64;

    public enum Verdict { SUCCESS, FAILURE, BUSY }

    /**
     * The outcome; {@code user} is set on success. {@code hashed} says the password was checked
     * now rather than recognised from the cache.
     */
    public record Outcome(Verdict verdict, User user, boolean hashed) {
        Outcome(Verdict verdict) {
            this(verdict, null, false);
        }
    }

    private final Semaphore hashing = new Semaphore(CONCURRENT_HASHES, true);
    private final AtomicInteger waiting = new AtomicInteger();
    private final CredentialCache recentlyVerified = new CredentialCache(Duration.ofSeconds(60), 10_000, Clock.systemUTC());

    @Inject
    UserRepository users;

    @Inject
    PasswordHasher hasher;

    @Inject
    MailMetrics metrics;

    @Inject
    ServerEvents events;

    public Outcome authenticate(String login, char[] password) {
        String normalized = login == null ? "" : login.strip().toLowerCase(Locale.ROOT);
        Optional<User> found = normalized.isEmpty() ? Optional.empty() : users.findByLogin(normalized);
        Outcome outcome = check(normalized, password, found);
        if (outcome.verdict() != Verdict.BUSY) {
            metrics.authAttempt(outcome.verdict() == Verdict.SUCCESS);
        }
        if (outcome.verdict() == Verdict.SUCCESS && outcome.hashed()) {
            // at most once per cache lifetime: an API client's every request is no new login,
            // and each write would queue behind mail deliveries for the database's write lock
            users.recordLogin(outcome.user().getId(), java.time.Instant.now());
        } else if (outcome.verdict() == Verdict.FAILURE) {
            // the login only, never the password
            LOG.fine(() -> "authentication failed for login '" + normalized + "'");
            events.publish("auth.failed", () -> ServerEvent.fields("username", normalized));
        }
        return outcome;
    }

    private Outcome check(String login, char[] password, Optional<User> found) {
        if (found.isPresent()) {
            User user = found.get();
            if (recentlyVerified.isVerified(login, password, user.getId(), user.getPasswordHash())) {
                return user.isEnabled() ? new Outcome(Verdict.SUCCESS, user, false) : new Outcome(Verdict.FAILURE);
            }
        }
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            return new Outcome(Verdict.BUSY);
        }
        try {
            if (!hashing.tryAcquire(30, TimeUnit.SECONDS)) {
                return new Outcome(Verdict.BUSY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Verdict.BUSY);
        } finally {
            waiting.decrementAndGet();
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
            return user.isEnabled() ? new Outcome(Verdict.SUCCESS, user, true) : new Outcome(Verdict.FAILURE);
        } finally {
            hashing.release();
        }
    }
}
