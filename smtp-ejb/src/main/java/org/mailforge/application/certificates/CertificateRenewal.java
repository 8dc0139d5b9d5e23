package org.mailforge.application.certificates;

import java.lang.management.ManagementFactory;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;

import org.mailforge.application.common.KeySealing;
import org.mailforge.application.common.LogText;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.smtp.spi.ServerCertificate;
import org.mailforge.smtp.tls.PemTls;

/**
 * Gets the server's certificate from the ACME authority of SMTP_ACME_DIRECTORY and renews it, as
 * certbot or Stalwart do, for every node at once: one node at a time orders (a lease in the
 * database), every node serves the result ({@link ServerCertificates}).
 *
 * <p>Every 5 s (two small reads) each node looks whether an order is due: no certificate yet, a name it should
 * carry that it lacks (a new local domain's {@code mta-sts.} name), a third of its lifetime left,
 * or an administrator's request. Challenges are HTTP-01, answered by every node's
 * {@code /.well-known/acme-challenge/}. A name other than the host name that the authority refuses or
 * whose challenge fails is left out for a day (twice as long each time it fails again, at most 30
 * days), so one badly published name does not keep the others from their certificate; when what is
 * left is already on the certificate in use, no new one is made.
 * A failed order is tried again after 1, 5, 15 and 60 minutes, then every 6 hours, and reported
 * (the {@code certificate.failed} webhook, {@code smtp_certificate_orders_total{result="failed"}}).
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // an order takes a while; status questions must not wait for it
@TransactionManagement(TransactionManagementType.BEAN)
public class CertificateRenewal {

    private static final Logger LOG = Logger.getLogger(CertificateRenewal.class.getName());
    private static final Duration LEASE = Duration.ofMinutes(10);
    private static final Duration CHALLENGE_LIFETIME = Duration.ofHours(1);
    static final int MAX_LEAVE_OUT_DAYS = 30;
    static final int MAX_NAMES = 100;
    /** A node that has not said which names it wants for this long is no longer counted. */
    private static final Duration NODE_SEEN = Duration.ofDays(1);
    private static final Duration ANNOUNCE = Duration.ofMinutes(10);
    static final List<Duration> RETRIES = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1), Duration.ofHours(6));
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    @Inject
    ServerConfiguration configuration;
    @Inject
    CertificateStore store;
    @Inject
    CertificateAuthority authority;
    @Inject
    ServerCertificates certificates;
    @Inject
    MailDirectory directory;
    @Inject
    KeySealing sealing;
    @Inject
    ServerEvents events;
    @Inject
    MailMetrics metrics;

    @jakarta.annotation.Resource
    jakarta.enterprise.concurrent.ManagedExecutorService executor;

    /** Told when this node stored a new certificate, so HTTPS need not wait for its next look. */
    @Inject
    jakarta.enterprise.event.Event<CertificateChanged> changed;

    /** A renewal cannot be asked for now (a checked exception: the EJB container hands it over as it is). */
    public static final class RenewalRefused extends Exception {
        private static final long serialVersionUID = 1L;

        public RenewalRefused(String message) {
            super(message);
        }
    }

    /** A new certificate is in the database. */
    public record CertificateChanged(Instant notAfter) {
    }

    Clock clock = Clock.systemUTC();
    private final String node = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
    private final AtomicBoolean ordering = new AtomicBoolean();
    private List<String> announced = List.of();
    private Instant announcedAt = Instant.EPOCH;
    private String problem;

    /** What the API shows about the server's certificate. */
    public record Status(String source, List<String> names, String subject, String issuer, Instant notBefore, Instant notAfter,
                         Instant renewAfter, List<String> wantedNames, Instant lastAttempt, String lastError, int failures,
                         Instant nextAttempt, Map<String, Instant> leftOut) {
    }

    @PostConstruct
    void start() {
        metrics.certificateExpiry(() -> certificates.current().map(ServerCertificate::notAfter).orElse(null));
        if (configuration.certificateFromAcme() && configuration.storage().encryptionKey() == null) {
            LOG.warning("ACME keeps the account key and the certificate's key in the database unencrypted: set"
                    + " SMTP_STORAGE_ENCRYPTION_KEY to seal them (whoever reads the account key can get certificates for"
                    + " these names while the authority still trusts its earlier validations)");
        }
    }

    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
    void tick() {
        if (configuration.certificateFromAcme()) {
            check();
        }
    }

    /** Orders now if an order is due and this node gets the lease; false when nothing was done. */
    boolean check() {
        if (!ordering.compareAndSet(false, true)) {
            return false;
        }
        try {
            Instant now = clock.instant();
            CertificateStore.OrderState state = store.orderState();
            problem = null; // the database answers again
            Set<String> leftOut = stillLeftOut(state.failedNames(), now);
            List<String> own = wantedNames(leftOut);
            announce(own, now);
            List<String> wanted = clusterNames(own, store.namesWanted(now.minus(NODE_SEEN)), leftOut);
            if (dueReason(store.certificate().orElse(null), wanted, state.renewRequested(), now) == null || !mayTry(state, now)) {
                return false;
            }
            if (!store.lease(node, now.plus(LEASE), now)) {
                return false; // another node orders
            }
            try {
                // again, now that this node holds the lease: another node may have just finished
                state = store.orderState();
                Optional<CertificateStore.StoredCertificate> current = store.certificate();
                String reason = dueReason(current.orElse(null), wanted, state.renewRequested(), now);
                if (reason != null && mayTry(state, now)) {
                    order(wanted, current.orElse(null), state, reason, now);
                }
            } finally {
                store.release(node);
            }
            return true;
        } catch (RuntimeException e) {
            String text = LogText.escape(String.valueOf(e.getMessage()));
            if (!text.equals(problem)) { // once per distinct problem, not every 5 s while the database is down
                problem = text;
                LOG.warning("certificate check failed: " + e.getClass().getSimpleName() + ": " + text);
            }
            return false;
        } finally {
            ordering.set(false);
        }
    }

    /** Whether an order may start now: no retry pause, unless an administrator asked. */
    private static boolean mayTry(CertificateStore.OrderState state, Instant now) {
        return !now.isBefore(state.nextAttempt()) || renewalPending(state);
    }

    /** An administrator asked for a renewal after the last order ended. */
    private static boolean renewalPending(CertificateStore.OrderState state) {
        return state.renewRequested().isAfter(state.lastAttempt() == null ? Instant.EPOCH : state.lastAttempt());
    }

    /** Why an order is due now, or null. */
    static String dueReason(CertificateStore.StoredCertificate current, List<String> wanted, Instant renewRequested, Instant now) {
        if (current == null) {
            return "no certificate yet";
        }
        List<String> missing = wanted.stream().filter(name -> !current.names().contains(name)).toList();
        if (!missing.isEmpty()) {
            return "names to add: " + String.join(", ", missing);
        }
        return renewalReason(current, renewRequested, now);
    }

    /** Why the certificate itself needs renewing (its age, or a request), whatever its names; or null. */
    private static String renewalReason(CertificateStore.StoredCertificate current, Instant renewRequested, Instant now) {
        if (!now.isBefore(renewAfter(current.obtainedAt(), current.notAfter()))) {
            return "a third of its lifetime left (expires " + current.notAfter() + ")";
        }
        if (renewRequested.isAfter(current.obtainedAt())) {
            return "renewal asked for";
        }
        return null;
    }

    /** When a third of the lifetime is left (RFC 8555 does not say; certbot and Let's Encrypt advise this). */
    static Instant renewAfter(Instant obtained, Instant notAfter) {
        Duration lifetime = Duration.between(obtained, notAfter);
        return notAfter.minus(lifetime.dividedBy(3));
    }

    /** This node's names: the host name first, then SMTP_ACME_NAMES, then {@code mta-sts.} of each local domain. */
    List<String> wantedNames(Set<String> leftOut) {
        Set<String> names = new LinkedHashSet<>(configuration.certificates().names());
        if (configuration.certificates().mtaStsNames()) {
            String host = configuration.listener().hostname().toLowerCase(java.util.Locale.ROOT);
            for (String domain : directory.localDomains()) {
                if (!domain.equals("localhost") && !domain.equals(host) && domain.contains(".")) {
                    names.add("mta-sts." + domain);
                }
            }
        }
        String hostname = configuration.certificates().names().get(0);
        names.removeIf(name -> !name.equals(hostname) && leftOut.contains(name));
        return List.copyOf(names);
    }

    /** Tells the other nodes which names this one wants, when they changed or every 10 minutes. */
    private void announce(List<String> own, Instant now) {
        if (!own.equals(announced) || now.isAfter(announcedAt.plus(ANNOUNCE))) {
            store.wantNames(configuration.listener().hostname().toLowerCase(java.util.Locale.ROOT), own, now);
            announced = own;
            announcedAt = now;
        }
    }

    /**
     * The names of this node first, then those of the other nodes seen in the last day (in a
     * cluster whose nodes have host names of their own, one certificate carries every node's name),
     * without those left out, at most {@link #MAX_NAMES} (Let's Encrypt's limit per certificate).
     */
    static List<String> clusterNames(List<String> own, List<String> others, Set<String> leftOut) {
        Set<String> names = new LinkedHashSet<>(own);
        others.stream().filter(name -> !leftOut.contains(name)).forEach(names::add);
        return names.stream().limit(MAX_NAMES).toList();
    }

    private static Set<String> stillLeftOut(Map<String, CertificateStore.LeftOut> failed, Instant now) {
        Set<String> left = new java.util.HashSet<>();
        failed.forEach((name, out) -> {
            if (out.until().isAfter(now)) {
                left.add(name);
            }
        });
        return left;
    }

    /** {@code failed} left out: a day the first time, twice as long each time it fails again (at most 30 days). */
    private static Map<String, CertificateStore.LeftOut> leaveOut(Map<String, CertificateStore.LeftOut> before, Set<String> failed,
                                                                  Instant now) {
        Map<String, CertificateStore.LeftOut> next = new LinkedHashMap<>();
        before.forEach((name, out) -> {
            if (out.until().isAfter(now.minus(Duration.ofDays(MAX_LEAVE_OUT_DAYS)))) {
                next.put(name, out); // remembered a while after its time, so that a new failure doubles it
            }
        });
        for (String name : failed) {
            CertificateStore.LeftOut previous = before.get(name);
            int days = previous == null ? 1 : Math.min(previous.days() * 2, MAX_LEAVE_OUT_DAYS);
            next.put(name, new CertificateStore.LeftOut(now.plus(Duration.ofDays(days)), days));
        }
        return next;
    }

    private void order(List<String> wanted, CertificateStore.StoredCertificate current, CertificateStore.OrderState state,
                       String reason, Instant started) {
        String hostname = wanted.get(0);
        List<String> names = new ArrayList<>(wanted);
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, CertificateStore.LeftOut> leftOut = new LinkedHashMap<>(state.failedNames());
        LOG.info(() -> "ordering the server's certificate for " + names + " (" + reason + ")");
        try {
            CertificateAuthority.Account account = account();
            KeyPair key = certificateKey(current);
            for (int attempt = 0; attempt < 2; attempt++) {
                CertificateAuthority.Issued issued = authority.order(account, names, key, challenges());
                account = rememberLocation(account, issued.accountLocation());
                if (issued.failedNames().isEmpty()) {
                    issuedCertificate(names, issued.chain(), key, leftOut, refused);
                    return;
                }
                issued.failedNames().forEach((name, why) -> refused.put(name, LogText.escape(why)));
                if (issued.failedNames().containsKey(hostname)) {
                    break;
                }
                leftOut = leaveOut(leftOut, issued.failedNames().keySet(), clock.instant());
                names.removeAll(issued.failedNames().keySet()); // the others still get their certificate
                if (current != null && current.names().containsAll(names) && renewalReason(current, state.renewRequested(), clock.instant()) == null) {
                    // what is left, the certificate in use already carries: no new one (nor a daily one while a name keeps failing)
                    store.recordAttempt(clock.instant(), "left out: " + describe(refused), 0, clock.instant(), leftOut);
                    LOG.info(() -> "the server's certificate stays as it is; left out: " + describe(refused));
                    return;
                }
            }
            failed(wanted, "challenge failed: " + describe(refused), state, leftOut, null);
        } catch (CertificateAuthority.CertificateAuthorityException e) {
            failed(wanted, LogText.escape(e.getMessage()), state, leftOut, e.retryAfter().orElse(null));
        } catch (GeneralSecurityException | RuntimeException e) {
            failed(wanted, LogText.escape(e.getClass().getSimpleName() + ": " + e.getMessage()), state, leftOut, null);
        }
    }

    private CertificateAuthority.Account rememberLocation(CertificateAuthority.Account account, String location) {
        if (location == null || location.equals(account.location())) {
            return account;
        }
        String directoryUrl = account.directory().toString();
        store.saveAccount(new CertificateStore.StoredAccount(directoryUrl, store.account(directoryUrl).orElseThrow().sealedKey(), location));
        return new CertificateAuthority.Account(account.directory(), account.trustedAuthorities(), account.email(), account.key(), location);
    }

    private void issuedCertificate(List<String> names, List<X509Certificate> chain, KeyPair key, Map<String, CertificateStore.LeftOut> leftOut,
                                   Map<String, String> refused) throws GeneralSecurityException {
        ServerCertificate certificate = new ServerCertificate(key.getPrivate(), chain);
        Instant now = clock.instant(); // the end of the order: a renewal asked for while it ran is served by it
        if (!store.saveCertificate(new CertificateStore.StoredCertificate(PemTls.chainPem(chain), certificates.sealKey(key.getPrivate()),
                names, certificate.notAfter(), now), node)) {
            throw new IllegalStateException("the order outlived its lease; another node's certificate stays");
        }
        store.recordAttempt(now, refused.isEmpty() ? null : "left out: " + describe(refused), 0, now, leftOut);
        certificates.forget();
        metrics.certificateOrder(true);
        LOG.info(() -> "the server's certificate for " + names + " is issued by " + certificate.leaf().getIssuerX500Principal().getName()
                + ", valid until " + certificate.notAfter() + (refused.isEmpty() ? "" : "; left out: " + describe(refused)));
        events.publish("certificate.issued", () -> ServerEvent.fields("names", names, "not_after", certificate.notAfter().toString(),
                "issuer", certificate.leaf().getIssuerX500Principal().getName(), "left_out", List.copyOf(refused.keySet())));
        try {
            changed.fire(new CertificateChanged(certificate.notAfter()));
        } catch (RuntimeException e) {
            LOG.warning("HTTPS was not told of the new certificate at once (it finds it within 20 s): " + e);
        }
    }

    private void failed(List<String> names, String error, CertificateStore.OrderState state, Map<String, CertificateStore.LeftOut> leftOut,
                        Instant retryAfter) {
        Instant now = clock.instant();
        int count = state.failures() + 1;
        Instant next = now.plus(RETRIES.get(Math.min(count, RETRIES.size()) - 1));
        if (retryAfter != null && retryAfter.isAfter(next)) {
            next = retryAfter; // the authority's rate limit says when
        }
        String reason = error == null ? "unknown error" : error;
        store.recordAttempt(now, reason, count, next, leftOut);
        metrics.certificateOrder(false);
        Instant expires = store.certificate().map(CertificateStore.StoredCertificate::notAfter).orElse(null);
        Instant nextAttempt = next;
        LOG.warning("the server's certificate for " + names + " could not be ordered (" + reason + "); attempt " + count
                + ", next at " + next + (expires == null ? ", and there is none yet" : ", the current one expires " + expires));
        events.publish("certificate.failed", () -> ServerEvent.fields("names", names, "error", reason, "failures", count,
                "next_attempt", nextAttempt.toString(), "expires", expires == null ? null : expires.toString()));
    }

    private static String describe(Map<String, String> refused) {
        StringBuilder text = new StringBuilder();
        refused.forEach((name, why) -> text.append(text.isEmpty() ? "" : "; ").append(name).append(": ").append(why));
        return text.toString();
    }

    /**
     * The key of the certificate to order: the one in use (SMTP_ACME_REUSE_KEY, so that a TLSA
     * record naming it stays true across renewals, as certbot's {@code --reuse-key}), else a new one.
     */
    private KeyPair certificateKey(CertificateStore.StoredCertificate current) throws GeneralSecurityException {
        if (current != null && configuration.certificates().reuseKey()) {
            try {
                org.mailforge.smtp.spi.ServerCertificate inUse = org.mailforge.smtp.tls.PemTls.parse(current.chainPem(),
                        certificates.openKey(current.sealedKey()));
                return new KeyPair(inUse.leaf().getPublicKey(), inUse.key());
            } catch (GeneralSecurityException | RuntimeException e) {
                LOG.warning("the certificate's key cannot be read back (" + e.getClass().getSimpleName() + "): a new key is made");
            }
        }
        return KeyPairs.certificate();
    }

    /** The account of the directory: its key from the database, or a new one kept there before it is first used. */
    private CertificateAuthority.Account account() throws GeneralSecurityException {
        String directoryUrl = configuration.certificates().directory().toString();
        Optional<CertificateStore.StoredAccount> stored = store.account(directoryUrl);
        KeyPair key;
        String location = null;
        if (stored.isPresent()) {
            key = KeyPairs.parse(new String(sealing.open(stored.get().sealedKey()), java.nio.charset.StandardCharsets.US_ASCII));
            location = stored.get().location();
        } else {
            key = KeyPairs.account();
            store.saveAccount(new CertificateStore.StoredAccount(directoryUrl,
                    sealing.seal(KeyPairs.pem(key).getBytes(java.nio.charset.StandardCharsets.US_ASCII)), null));
        }
        return new CertificateAuthority.Account(configuration.certificates().directory(), configuration.certificates().caFile(),
                configuration.certificates().email(), key, location);
    }

    /** Challenges answered from the database; each one also extends this node's lease (an order may take a while). */
    private CertificateAuthority.Challenges challenges() {
        return new CertificateAuthority.Challenges() {
            @Override
            public void publish(String token, String keyAuthorization) {
                Instant now = clock.instant();
                if (!store.lease(node, now.plus(LEASE), now)) {
                    throw new IllegalStateException("this node lost the lease to order");
                }
                store.publishChallenge(token, keyAuthorization, now.plus(CHALLENGE_LIFETIME));
            }

            @Override
            public void withdraw(String token) {
                store.withdrawChallenge(token);
            }
        };
    }

    /** The answer to {@code GET /.well-known/acme-challenge/<token>}, for a challenge in progress only. */
    public Optional<String> challengeAnswer(String token) {
        if (token == null || !TOKEN.matcher(token).matches() || !configuration.certificateFromAcme()) {
            return Optional.empty();
        }
        return store.challenge(token, clock.instant());
    }

    /** Asks for a renewal now: a check starts at once (and the next one on every node sees the request too). */
    public Status requestRenewal() throws RenewalRefused {
        if (!configuration.certificateFromAcme()) {
            throw new RenewalRefused("the certificate does not come from ACME here: "
                    + (certificates.fromFiles() ? "SMTP_TLS_CERT is set" : "SMTP_ACME_DIRECTORY is not set"));
        }
        if (ordering.get() || renewalPending(store.orderState())) {
            throw new RenewalRefused("a renewal is already under way"); // a second click must not cost a second certificate
        }
        store.requestRenewal(clock.instant());
        executor.execute(this::check); // now rather than at the next tick (a node busy ordering already will see it after)
        return status();
    }

    public Status status() {
        Optional<ServerCertificate> current = certificates.current();
        String source = certificates.fromFiles() ? "files" : configuration.certificateFromAcme() ? "acme" : "none";
        List<String> names = current.map(ServerCertificate::dnsNames).orElse(List.of());
        Instant notBefore = current.map(c -> c.leaf().getNotBefore().toInstant()).orElse(null);
        Instant notAfter = current.map(ServerCertificate::notAfter).orElse(null);
        if (!configuration.certificateFromAcme()) {
            return new Status(source, names, current.map(c -> c.leaf().getSubjectX500Principal().getName()).orElse(null),
                    current.map(c -> c.leaf().getIssuerX500Principal().getName()).orElse(null), notBefore, notAfter,
                    null, List.of(), null, null, 0, null, Map.of());
        }
        CertificateStore.OrderState state = store.orderState();
        Instant now = clock.instant();
        Set<String> leftOutNames = stillLeftOut(state.failedNames(), now);
        Map<String, Instant> leftOut = new java.util.TreeMap<>();
        leftOutNames.forEach(name -> leftOut.put(name, state.failedNames().get(name).until()));
        Optional<CertificateStore.StoredCertificate> stored = store.certificate();
        List<String> wanted = clusterNames(wantedNames(leftOutNames), store.namesWanted(now.minus(NODE_SEEN)), leftOutNames);
        return new Status(source, names, current.map(c -> c.leaf().getSubjectX500Principal().getName()).orElse(null),
                current.map(c -> c.leaf().getIssuerX500Principal().getName()).orElse(null), notBefore, notAfter,
                stored.map(s -> renewAfter(s.obtainedAt(), s.notAfter())).orElse(null), wanted,
                state.lastAttempt(), state.lastError(), state.failures(), state.nextAttempt(), leftOut);
    }
}
