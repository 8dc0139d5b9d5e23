package org.mailforge.infrastructure.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.application.certificates.CertificateAuthority;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * The ACME authority through acme4j: the account (found by its key, or created with the contact
 * address and the agreement to the terms), then one order, an HTTP-01 challenge per name not yet
 * authorized, and the certificate. The directory's HTTPS is verified against Java's trusted
 * authorities, or against SMTP_ACME_CA_FILE only when that is set.
 */
@ApplicationScoped
public class AcmeCertificateAuthority implements CertificateAuthority {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @Override
    public Issued order(Account account, List<String> names, KeyPair certificateKey, Challenges challenges)
            throws CertificateAuthorityException {
        List<String> published = new ArrayList<>();
        try {
            Session session = new Session(account.directory(), provider(account.trustedAuthorities()));
            Login login = login(session, account, account.location());
            try {
                return order(login, names, certificateKey, challenges, published);
            } catch (AcmeServerException e) {
                if (account.location() == null || !accountGone(e)) {
                    throw e;
                }
                // the stored account URL no longer works (deactivated, the authority reset): found again by its key
                return order(login(session, account, null), names, certificateKey, challenges, published);
            }
        } catch (AcmeRateLimitedException e) {
            throw new CertificateAuthorityException("ACME rate limit: " + describe(e.getProblem()), e, e.getRetryAfter().orElse(null));
        } catch (AcmeServerException e) {
            throw new CertificateAuthorityException("ACME: " + describe(e.getProblem()), e);
        } catch (AcmeException e) {
            throw new CertificateAuthorityException("ACME: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CertificateAuthorityException("interrupted while waiting for the authority", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new CertificateAuthorityException("SMTP_ACME_CA_FILE: " + e.getMessage(), e);
        } finally {
            published.forEach(challenges::withdraw);
        }
    }

    private Issued order(Login login, List<String> names, KeyPair certificateKey, Challenges challenges, List<String> published)
            throws AcmeException, InterruptedException, CertificateAuthorityException {
        Order order;
        try {
            order = login.getAccount().newOrder().domains(names).create();
        } catch (AcmeServerException e) {
            Map<String, String> refused = refusedNames(e.getProblem());
            if (refused.isEmpty() || e instanceof AcmeRateLimitedException) {
                throw e;
            }
            return new Issued(List.of(), login.getAccountLocation().toString(), refused); // e.g. rejectedIdentifier for a private name
        }
        Map<String, String> failed = new LinkedHashMap<>();
        for (Authorization authorization : order.getAuthorizations()) {
            if (authorization.getStatus() == Status.VALID) {
                continue; // authorized recently: no challenge needed
            }
            String name = authorization.getIdentifier().getDomain();
            Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class).orElse(null);
            if (challenge == null) {
                failed.put(name, "the authority offers no HTTP-01 challenge for it");
                continue;
            }
            challenges.publish(challenge.getToken(), challenge.getAuthorization());
            published.add(challenge.getToken());
            challenge.trigger();
            Status status;
            try {
                status = authorization.waitForCompletion(WAIT);
            } catch (AcmeException e) {
                failed.put(name, "no outcome from the authority within " + WAIT.toMinutes() + " minutes (" + e.getMessage() + ")");
                continue;
            }
            if (status != Status.VALID) {
                // the authorization's fresh copy of its challenge carries the authority's reason
                failed.put(name, authorization.findChallenge(Http01Challenge.class).flatMap(Http01Challenge::getError)
                        .map(AcmeCertificateAuthority::describe).orElse("authorization " + status));
            }
        }
        if (!failed.isEmpty()) {
            return new Issued(List.of(), login.getAccountLocation().toString(), failed);
        }
        order.execute(certificateKey);
        Status status = order.waitForCompletion(WAIT);
        if (status != Status.VALID) {
            throw new CertificateAuthorityException("the order ended " + status
                    + order.getError().map(problem -> ": " + describe(problem)).orElse(""), null);
        }
        return new Issued(order.getCertificate().getCertificateChain(), login.getAccountLocation().toString(), Map.of());
    }

    /** The names an order was refused for, from the problem's subproblems (RFC 8555 6.7.1). */
    private static Map<String, String> refusedNames(Problem problem) {
        Map<String, String> refused = new LinkedHashMap<>();
        for (Problem sub : problem.getSubProblems()) {
            sub.getIdentifier().ifPresent(identifier -> refused.put(identifier.getValue(), describe(sub)));
        }
        return refused;
    }

    private static boolean accountGone(AcmeServerException e) {
        String type = String.valueOf(e.getType());
        return type.endsWith(":accountDoesNotExist") || type.endsWith(":unauthorized");
    }

    private static Login login(Session session, Account account, String location) throws AcmeException {
        if (location != null) {
            try {
                return session.login(URI.create(location).toURL(), account.key());
            } catch (java.net.MalformedURLException | IllegalArgumentException e) {
                // found again by its key below
            }
        }
        AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(account.key());
        if (account.email() != null) {
            builder.addEmail(account.email());
        }
        return builder.createLogin(session);
    }

    private static String describe(Problem problem) {
        return problem.getDetail().orElse(problem.getTitle().orElse(problem.getType().toString()));
    }

    /** Java's trusted authorities, or only those of SMTP_ACME_CA_FILE. */
    private static GenericAcmeProvider provider(Path trusted) throws IOException, GeneralSecurityException {
        if (trusted == null) {
            return new GenericAcmeProvider();
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(trusted)) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + i++, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return new GenericAcmeProvider() {
            @Override
            protected HttpConnector createHttpConnector(NetworkSettings settings) {
                return new HttpConnector(settings) {
                    @Override
                    public HttpClient.Builder createClientBuilder() {
                        return super.createClientBuilder().sslContext(context);
                    }
                };
            }
        };
    }
}
