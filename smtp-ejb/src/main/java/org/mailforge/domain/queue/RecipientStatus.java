package org.mailforge.domain.queue;

/** The outcome so far for one recipient of a queued message. */
public enum RecipientStatus {
    /** Still to be delivered. */
    PENDING,
    /** The destination accepted it (2xx). */
    DELIVERED,
    /** Refused for good (5xx), or given up on; included in the bounce. */
    FAILED
}
