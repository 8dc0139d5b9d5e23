package org.mailforge.application.certificates;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the ACME side of the server keeps what every node shares: the certificate, the account,
 * the HTTP-01 challenges in progress, and the lease that lets one node at a time order.
 * Infrastructure implements it on the server's database.
 */
public interface CertificateStore {

    /** The certificate, its key sealed ({@link org.mailforge.application.common.KeySealing}). */
    record StoredCertificate(String chainPem, String sealedKey, List<String> names, Instant notAfter, Instant obtainedAt) {
        public StoredCertificate {
            names = List.copyOf(names);
        }
    }

    /** The ACME account of a directory: its key pair (PKCS#8 private key, sealed) and its URL at the authority. */
    record StoredAccount(String directory, String sealedKey, String location) {
    }

    /** A name left out of the certificate until {@code until}, for {@code days} (doubled each time it fails again). */
    record LeftOut(Instant until, int days) {
    }

    /**
     * What the last order did and what comes next.
     *
     * @param lastAttempt    when the last order ended (null: never)
     * @param failedNames    names left out, also those whose time is over (their next failure leaves them out longer)
     * @param renewRequested when an administrator asked for a renewal now (EPOCH: never)
     */
    record OrderState(Instant lastAttempt, String lastError, int failures, Instant nextAttempt, Map<String, LeftOut> failedNames,
                      Instant renewRequested) {
        public OrderState {
            failedNames = Map.copyOf(failedNames);
        }
    }

    Optional<StoredCertificate> certificate();

    /**
     * Stores the certificate if {@code holder} still holds the lease (an order that outlived its
     * lease must not overwrite a newer one).
     *
     * @return whether it was stored
     */
    boolean saveCertificate(StoredCertificate certificate, String holder);

    /** The names node {@code hostname} wants on the certificate, as of {@code now}. */
    void wantNames(String hostname, List<String> names, Instant now);

    /** The names the nodes seen since {@code since} want, node by node. */
    List<String> namesWanted(Instant since);

    Optional<StoredAccount> account(String directory);

    void saveAccount(StoredAccount account);

    void publishChallenge(String token, String content, Instant expires);

    /** The key authorization to answer for {@code token}, while it has not expired. */
    Optional<String> challenge(String token, Instant now);

    void withdrawChallenge(String token);

    /**
     * Takes (or extends) the lease to order until {@code until}: true when no other node holds an
     * unexpired one.
     */
    boolean lease(String holder, Instant until, Instant now);

    void release(String holder);

    OrderState orderState();

    /** Records the outcome of an attempt (everything but the renewal request). */
    void recordAttempt(Instant attempt, String error, int failures, Instant nextAttempt, Map<String, LeftOut> failedNames);

    void requestRenewal(Instant at);
}
