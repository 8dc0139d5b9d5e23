package org.mailforge.domain.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The outbound queue's entries: what waits for delivery, what is being tried, what failed. */
public interface OutboundQueue {

    void add(List<QueuedMessage> messages);

    Optional<QueuedMessage> find(String id);

    /** The entry's destination domain, read without the entry (a wake-up's first look), or empty when it is gone. */
    Optional<String> destination(String id);

    /**
     * Takes the entry for one delivery attempt: succeeds only when no other attempt holds it and
     * it is due (or {@code force}), so duplicate wake-ups never deliver twice.
     *
     * @return the entry, now leased until {@code leaseUntil}, or empty when not claimable
     */
    Optional<QueuedMessage> claim(String id, Instant now, Instant leaseUntil);

    /** Takes a waiting entry regardless of its schedule (held mail collected with ATRN). */
    Optional<QueuedMessage> claimAnyTime(String id, Instant now, Instant leaseUntil);

    /** Stores the entry as it is now (an administrator's retry). An entry deleted meanwhile stays deleted. */
    QueuedMessage update(QueuedMessage message);

    /**
     * Stores the outcome of an attempt (recipient results, status, next retry). An entry deleted
     * meanwhile stays deleted; one an administrator held meanwhile stays held.
     */
    QueuedMessage recordAttempt(QueuedMessage message);

    /** An administrator holds a waiting entry: nothing is attempted until it is released. False when it was not waiting. */
    boolean hold(String id);

    /** Releases a held entry, due now. False when it was not held. */
    boolean release(String id, Instant now);

    /** Entries matching the filter, oldest first, at most {@code limit}. */
    List<QueuedMessage> matching(QueueFilter filter, int limit);

    void remove(String id);

    /**
     * A page of entries, oldest first; {@code status} null for all, {@code domain} (the
     * destination, lower case) null for every destination.
     */
    List<QueuedMessage> list(QueueStatus status, String domain, int offset, int limit);

    long count(QueueStatus status, String domain);

    /** Entries still to deliver (pending or retry). */
    long countWaiting();

    /** Ids of waiting entries due before {@code dueBefore} and not leased now, oldest first. */
    List<String> due(Instant dueBefore, Instant now, int limit);

    /** Ids of waiting entries for a destination domain. */
    List<String> waitingFor(String domain);

    /** Failed entries that gave up before {@code cutoff}, oldest first (the retention purge). */
    List<QueuedMessage> failedBefore(Instant cutoff, int limit);

    /** Makes the waiting entries of a domain due now; returns how many. */
    int expedite(String domain, Instant now);
}
