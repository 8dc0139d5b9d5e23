package org.mailforge.application;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.domain.mail.StoredMessage;

/**
 * Records deliveries with group commit: each caller queues its rows and waits; whoever holds the
 * writer's lock commits everything queued so far in one transaction, so concurrent deliveries
 * share one database commit (one fsync of the write-ahead log) instead of queueing behind each
 * other's. A caller returns only once its own rows are committed, and fails if they were not.
 */
@ApplicationScoped
public class DeliveryLedger {

    /** Deliveries per transaction at most. */
    static final int MAX_BATCH = 64;

    @Inject
    LedgerWriter writer;

    private final ConcurrentLinkedQueue<Pending> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock(true);

    private record Pending(List<StoredMessage> rows, CompletableFuture<Void> done) {
    }

    /** Commits the rows of one delivery (with others waiting at the same time); throws when they were not committed. */
    public void record(List<StoredMessage> delivered) {
        Pending mine = new Pending(delivered, new CompletableFuture<>());
        queued.add(mine);
        while (!mine.done().isDone()) {
            writing.lock();
            try {
                if (!mine.done().isDone()) {
                    commitQueued(); // the oldest first: repeated until ours was among them
                }
            } finally {
                writing.unlock();
            }
        }
        try {
            mine.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording a delivery", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    /** Under the lock: one transaction for what is queued (up to the batch limit). */
    private void commitQueued() {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < MAX_BATCH && (next = queued.poll()) != null) {
            batch.add(next);
        }
        try {
            writer.write(batch.stream().flatMap(pending -> pending.rows().stream()).toList());
            batch.forEach(pending -> pending.done().complete(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
                return;
            }
            // one bad delivery must not fail the others: each again on its own
            for (Pending pending : batch) {
                try {
                    writer.write(pending.rows());
                    pending.done().complete(null);
                } catch (RuntimeException single) {
                    pending.done().completeExceptionally(single);
                }
            }
        }
    }
}
