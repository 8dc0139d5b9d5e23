package org.mailforge.application.outbound;

import java.time.Duration;

/**
 * Wakes the delivery of a queue entry after a delay. A lost wake-up delays a message but never
 * loses it: the queue sweeper wakes every entry that is overdue.
 */
public interface QueueWakeups {

    void wake(String id, Duration delay);
}
