package org.mailforge.domain.queue;

import java.time.Instant;

/**
 * Which queue entries a bulk action applies to; null fields do not filter.
 *
 * @param domain        the destination domain (lower case)
 * @param sender        the envelope sender (compared in lower case)
 * @param queuedBefore  queued before this instant (older than some minutes)
 * @param status        where the entry stands
 * @param errorContains text in the last error (case-insensitive)
 */
public record QueueFilter(String domain, String sender, Instant queuedBefore, QueueStatus status, String errorContains) {
}
