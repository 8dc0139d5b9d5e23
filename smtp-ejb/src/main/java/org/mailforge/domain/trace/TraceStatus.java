package org.mailforge.domain.trace;

/** Where a traced message stands, derived from its counts when read. */
public enum TraceStatus {
    /** Refused for good at connect, MAIL, RCPT or the end of data. */
    REFUSED,
    /** Refused for now (4xx): greylisting, a limit, a scanner that did not answer; the client may try again. */
    DEFERRED,
    /** Taken; a queue entry of it is still open. */
    QUEUED,
    /** Taken, stored and every queue entry delivered. */
    DELIVERED,
    /** Taken, and not delivered to at least one recipient: refused by the destination, given up on, or deleted from the queue. */
    FAILED;

    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The status of an API name, or null. */
    public static TraceStatus of(String name) {
        for (TraceStatus status : values()) {
            if (status.apiName().equals(name)) {
                return status;
            }
        }
        return null;
    }
}
