package org.mailforge.domain.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What administrators and the guardrails decide about outbound mail, shared by every node:
 * suspended destination domains, suppressed recipients, sending counts, held accounts.
 */
public interface QueueControls {

    /** A destination domain whose mail waits. */
    record Suspension(String domain, Instant since, String by) {
    }

    /** A recipient not tried again until {@code expiresAt}: it refused for good. */
    record Suppression(String address, String reason, Instant createdAt, Instant expiresAt) {
    }

    /** An account that sends nothing until an administrator releases it. */
    record HeldAccount(String account, Instant since, String reason) {
    }

    List<Suspension> suspensions();

    /** Suspends the domain (again: the first suspension stands); returns it. */
    Suspension suspend(String domain, Instant now, String by);

    /** Whether it was suspended. */
    boolean resume(String domain);

    /** Suppresses the address until {@code expiresAt} (a later refusal renews it). */
    void suppress(String address, String reason, Instant now, Instant expiresAt);

    /** The address's suppression, if one is in force at {@code now}. */
    Optional<Suppression> suppression(String address, Instant now);

    /** Suppressions in force at {@code now}, newest first. */
    List<Suppression> suppressions(Instant now, int offset, int limit);

    long countSuppressions(Instant now);

    boolean unsuppress(String address);

    /** Counts a message sent by the account (a login or {@code @domain}) in the hour. */
    void countMessage(String account, long epochHour);

    /** Counts a hard bounce of the account's mail in the hour; returns the hour's bounces so far. */
    int countBounce(String account, long epochHour);

    /** The account's messages in the hours from {@code sinceHour} on. */
    int messagesSince(String account, long sinceHour);

    /** Holds the account; false when it was held already. */
    boolean holdAccount(String account, Instant now, String reason);

    Optional<HeldAccount> heldAccount(String account);

    List<HeldAccount> heldAccounts();

    boolean releaseAccount(String account);

    /** Holds the waiting queue entries the account submitted; returns their ids. */
    List<String> holdEntriesOf(String account);

    /** Releases the account's held entries, due now; returns their ids. */
    List<String> releaseEntriesOf(String account, Instant now);

    /** Forgets suppressions and counts of no more use; returns how many rows went. */
    int purge(Instant now, long beforeHour);
}
