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
 * {@code /.well-known/acme-challenge/}. A name other than the host name whose challenge fails is
 * left out for a day, so one badly published name does not keep the others from their certificate.
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
    static final Duration LEAVE_OUT = Duration.ofDays(1);
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

    /** A new certificate is in the database. */
    public record CertificateChanged(Instant notAfter) {
    }

    Clock clock = Clock.systemUTC();
    private final String node = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID();
    private final AtomicBoolean ordering = new AtomicBoolean();

    /** What the API shows about the server's certificate. */
    public record Status(String source, List<String> names, String subject, String issuer, Instant notBefore, Instant notAfter,
                         Instant renewAfter, List<String> wantedNames, Instant lastAttempt, String lastError, int failures,
                         Instant nextAttempt, Map<String, Instant> leftOut) {
    }

    @PostConstruct
    void start() {
        metrics.certificateExpiry(() -> certificates.current().map(ServerCertificate::notAfter).orElse(null));
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
            Map<String, Instant> leftOut = stillLeftOut(state.failedNames(), now);
            List<String> wanted = wantedNames(leftOut.keySet());
            Optional<CertificateStore.StoredCertificate> current = store.certificate();
            String reason = dueReason(current.orElse(null), wanted, state.renewRequested(), now);
            if (reason == null) {
                return false;
            }
            boolean asked = current.isPresent() && state.renewRequested().isAfter(current.get().obtainedAt())
                    && (state.lastAttempt() == null || state.renewRequested().isAfter(state.lastAttempt()));
            if (now.isBefore(state.nextAttempt()) && !asked) {
                return false;
            }
            if (!store.lease(node, now.plus(LEASE), now)) {
                return false; // another node orders
            }
            try {
                order(withNamesOfOtherNodes(wanted, current.orElse(null), leftOut.keySet()), leftOut, state.failures(), reason, now);
            } finally {
                store.release(node);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warning("certificate check failed: " + e);
            return false;
        } finally {
            ordering.set(false);
        }
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

    /** The host name first, then SMTP_ACME_NAMES, then {@code mta-sts.} of each local domain; without those left out. */
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

    /**
     * The names of this node, then those the stored certificate carries that are not left out: in
     * a cluster whose nodes have host names of their own, one certificate carries every node's
     * name, and no node's order drops another's (which would make them take turns for ever). A
     * name nobody wants any more goes when its challenge fails, or with a new certificate store.
     */
    static List<String> withNamesOfOtherNodes(List<String> wanted, CertificateStore.StoredCertificate current, Set<String> leftOut) {
        Set<String> names = new LinkedHashSet<>(wanted);
        if (current != null) {
            current.names().stream().filter(name -> !leftOut.contains(name)).forEach(names::add);
        }
        return List.copyOf(names);
    }

    private static Map<String, Instant> stillLeftOut(Map<String, Instant> failed, Instant now) {
        Map<String, Instant> left = new LinkedHashMap<>();
        failed.forEach((name, until) -> {
            if (until.isAfter(now)) {
                left.put(name, until);
            }
        });
        return left;
    }

    private void order(List<String> wanted, Map<String, Instant> leftOut, int failures, String reason, Instant now) {
        String hostname = wanted.get(0);
        List<String> names = new ArrayList<>(wanted);
        Map<String, String> refused = new LinkedHashMap<>();
        LOG.info(() -> "ordering the server's certificate for " + names + " (" + reason + ")");
        try {
            CertificateAuthority.Account account = account();
            for (int attempt = 0; attempt < 2; attempt++) {
                KeyPair key = KeyPairs.certificate();
                CertificateAuthority.Issued issued = authority.order(account, names, key, challenges(now));
                if (issued.accountLocation() != null && !issued.accountLocation().equals(account.location())) {
                    store.saveAccount(new CertificateStore.StoredAccount(account.directory().toString(),
                            store.account(account.directory().toString()).orElseThrow().sealedKey(), issued.accountLocation()));
                    account = new CertificateAuthority.Account(account.directory(), account.trustedAuthorities(), account.email(),
                            account.key(), issued.accountLocation());
                }
                if (issued.failedNames().isEmpty()) {
                    issuedCertificate(names, issued.chain(), key, leftOut, refused, now);
                    return;
                }
                refused.putAll(issued.failedNames());
                if (issued.failedNames().containsKey(hostname)) {
                    break;
                }
                issued.failedNames().keySet().forEach(name -> leftOut.put(name, now.plus(LEAVE_OUT)));
                names.removeAll(issued.failedNames().keySet()); // the others still get their certificate
            }
            failed(wanted, "challenge failed: " + describe(refused), failures, leftOut, now);
        } catch (CertificateAuthority.CertificateAuthorityException | GeneralSecurityException | RuntimeException e) {
            failed(wanted, e.getMessage(), failures, leftOut, now);
        }
    }

    private void issuedCertificate(List<String> names, List<X509Certificate> chain, KeyPair key, Map<String, Instant> leftOut,
                                   Map<String, String> refused, Instant now) throws GeneralSecurityException {
        ServerCertificate certificate = new ServerCertificate(key.getPrivate(), chain);
        store.saveCertificate(new CertificateStore.StoredCertificate(PemTls.chainPem(chain), certificates.sealKey(key.getPrivate()),
                names, certificate.notAfter(), now));
        store.recordAttempt(now, refused.isEmpty() ? null : "left out: " + describe(refused), 0, now, leftOut);
        certificates.forget();
        changed.fire(new CertificateChanged(certificate.notAfter()));
        metrics.certificateOrder(true);
        LOG.info(() -> "the server's certificate for " + names + " is issued by " + certificate.leaf().getIssuerX500Principal().getName()
                + ", valid until " + certificate.notAfter() + (refused.isEmpty() ? "" : "; left out for a day: " + describe(refused)));
        events.publish("certificate.issued", () -> ServerEvent.fields("names", names, "not_after", certificate.notAfter().toString(),
                "issuer", certificate.leaf().getIssuerX500Principal().getName(), "left_out", List.copyOf(refused.keySet())));
    }

    private void failed(List<String> names, String error, int failures, Map<String, Instant> leftOut, Instant now) {
        int count = failures + 1;
        Instant next = now.plus(RETRIES.get(Math.min(count, RETRIES.size()) - 1));
        String reason = error == null ? "unknown error" : error;
        store.recordAttempt(now, reason, count, next, leftOut);
        metrics.certificateOrder(false);
        Instant expires = store.certificate().map(CertificateStore.StoredCertificate::notAfter).orElse(null);
        LOG.warning("the server's certificate for " + names + " could not be ordered (" + reason + "); attempt " + count
                + ", next at " + next + (expires == null ? ", and there is none yet" : ", the current one expires " + expires));
        events.publish("certificate.failed", () -> ServerEvent.fields("names", names, "error", reason, "failures", count,
                "next_attempt", next.toString(), "expires", expires == null ? null : expires.toString()));
    }

    private static String describe(Map<String, String> refused) {
        StringBuilder text = new StringBuilder();
        refused.forEach((name, why) -> text.append(text.isEmpty() ? "" : "; ").append(name).append(": ").append(why));
        return text.toString();
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

    private CertificateAuthority.Challenges challenges(Instant now) {
        return new CertificateAuthority.Challenges() {
            @Override
            public void publish(String token, String keyAuthorization) {
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
    public Status requestRenewal() {
        if (!configuration.certificateFromAcme()) {
            throw new IllegalStateException("the certificate does not come from ACME here: "
                    + (certificates.fromFiles() ? "SMTP_TLS_CERT is set" : "SMTP_ACME_DIRECTORY is not set"));
        }
        store.requestRenewal(clock.instant());
        executor.execute(this::check); // now rather than at the next tick (a node busy ordering already will see it after)
        return status();
    }

    public Status status() {
        Optional<ServerCertificate> current = certificates.current();
        String source = certificates.fromFiles() ? "files" : configuration.certificateFromAcme() ? "acme" : "none";
        List<String> names = current.map(c -> subjectNames(c.leaf())).orElse(List.of());
        Instant notBefore = current.map(c -> c.leaf().getNotBefore().toInstant()).orElse(null);
        Instant notAfter = current.map(ServerCertificate::notAfter).orElse(null);
        if (!configuration.certificateFromAcme()) {
            return new Status(source, names, current.map(c -> c.leaf().getSubjectX500Principal().getName()).orElse(null),
                    current.map(c -> c.leaf().getIssuerX500Principal().getName()).orElse(null), notBefore, notAfter,
                    null, List.of(), null, null, 0, null, Map.of());
        }
        CertificateStore.OrderState state = store.orderState();
        Instant now = clock.instant();
        Map<String, Instant> leftOut = stillLeftOut(state.failedNames(), now);
        Optional<CertificateStore.StoredCertificate> stored = store.certificate();
        return new Status(source, names, current.map(c -> c.leaf().getSubjectX500Principal().getName()).orElse(null),
                current.map(c -> c.leaf().getIssuerX500Principal().getName()).orElse(null), notBefore, notAfter,
                stored.map(s -> renewAfter(s.obtainedAt(), s.notAfter())).orElse(null), wantedNames(leftOut.keySet()),
                state.lastAttempt(), state.lastError(), state.failures(), state.nextAttempt(), leftOut);
    }

    private static List<String> subjectNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> entry : certificate.getSubjectAlternativeNames()) {
                    if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            // no names to show
        }
        return names;
    }
}
