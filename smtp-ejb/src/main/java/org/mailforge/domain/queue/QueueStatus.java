package org.mailforge.domain.queue;

/** Where a queued message stands (the spec's {@code status} field of {@code GET /api/queue}). */
public enum QueueStatus {
    /** Not tried yet, or waiting for ETRN/ATRN when its domain is held. */
    PENDING,
    /** At least one attempt failed temporarily; another is scheduled at {@code next_retry}. */
    RETRY,
    /** Given up: permanent failure, attempts exhausted or DELIVERBY expired; the sender was told. */
    FAILED,
    /** Held by an administrator: nothing is attempted until it is released. */
    HELD;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
