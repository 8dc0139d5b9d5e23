package org.mailforge.application.stats;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.domain.mail.StoredMessageRepository;
import org.mailforge.domain.queue.OutboundQueue;
import org.mailforge.domain.queue.QueueStatus;

/** What is stored and what waits to leave, as {@code GET /stats} shows it. */
@ApplicationScoped
public class StorageFigures {

    @Inject
    StoredMessageRepository messages;

    @Inject
    OutboundQueue queue;

    /**
     * @param storedMessages messages in the index of stored mail
     * @param storedBytes    their size together
     * @param queued         queue entries waiting for an attempt
     * @param failed         queue entries that gave up (their senders have their bounce)
     */
    public record Figures(long storedMessages, long storedBytes, long queued, long failed) {
    }

    public Figures now() {
        return new Figures(messages.countAll(), messages.totalSizeBytes(), queue.countWaiting(), queue.count(QueueStatus.FAILED, null));
    }
}
