package org.mailforge.application.certificates;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/**
 * An ACME certificate authority (RFC 8555): orders a certificate for some names, proving control of
 * each with an HTTP-01 challenge this server answers. Infrastructure implements it with acme4j.
 */
public interface CertificateAuthority {

    /**
     * The account to order with.
     *
     * @param location the account's URL from an earlier order, or null to look it up (or create it) by its key
     */
    record Account(URI directory, Path trustedAuthorities, String email, KeyPair key, String location) {
    }

    /** Where the challenges are answered from (every node's /.well-known/acme-challenge/). */
    interface Challenges {
        void publish(String token, String keyAuthorization);

        void withdraw(String token);
    }

    /**
     * What an order came to: the chain (leaf first), or, when some names were refused or could not
     * be validated, no chain and the reason per failed name (the authority's words, untrusted).
     */
    record Issued(List<X509Certificate> chain, String accountLocation, Map<String, String> failedNames) {
        public Issued {
            chain = List.copyOf(chain);
            failedNames = Map.copyOf(failedNames);
        }
    }

    /**
     * Orders a certificate for {@code names} with {@code certificateKey}.
     *
     * @throws CertificateAuthorityException when the authority cannot be reached or refuses the order
     */
    Issued order(Account account, List<String> names, KeyPair certificateKey, Challenges challenges) throws CertificateAuthorityException;

    /** The authority could not issue: its answer or the network problem, in one line. */
    final class CertificateAuthorityException extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient java.time.Instant retryAfter;

        public CertificateAuthorityException(String message, Throwable cause) {
            this(message, cause, null);
        }

        /** @param retryAfter when the authority said to ask again (a rate limit), or null */
        public CertificateAuthorityException(String message, Throwable cause, java.time.Instant retryAfter) {
            super(message, cause);
            this.retryAfter = retryAfter;
        }

        public java.util.Optional<java.time.Instant> retryAfter() {
            return java.util.Optional.ofNullable(retryAfter);
        }
    }
}
