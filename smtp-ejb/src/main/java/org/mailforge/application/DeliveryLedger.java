package org.mailforge.application;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.domain.mail.StoredMessage;

/**
 * Records deliveries with group commit: each caller queues its rows; whoever finds the writer free
 * commits everything queued, in transactions of up to {@link #MAX_BATCH} deliveries, so concurrent
 * deliveries share one database commit (one fsync of the write-ahead log) instead of queueing
 * behind each other's. The others wait for their own rows only, each woken once (not a convoy
 * through a fair lock, which cost a park and a wake-up per waiting thread per commit). A caller
 * returns only once its own rows are committed, and fails if they were not.
 */
@ApplicationScoped
public class DeliveryLedger {

    /** Deliveries per transaction at most. */
    static final int MAX_BATCH = 64;
    /** Transactions a committer writes for others after its own rows are in. */
    private static final int MAX_EXTRA_BATCHES = 8;
    /** How long a waiting caller trusts the committer before it looks at the queue itself. */
    private static final long RECHECK_MILLIS = 50;

    @Inject
    LedgerWriter writer;

    private final ConcurrentLinkedQueue<Pending> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    private record Pending(List<StoredMessage> rows, CompletableFuture<Void> done) {
    }

    /** Commits the rows of one delivery (with others waiting at the same time); throws when they were not committed. */
    public void record(List<StoredMessage> delivered) {
        Pending mine = new Pending(delivered, new CompletableFuture<>());
        queued.add(mine);
        while (!mine.done().isDone()) {
            if (writing.tryLock()) {
                try {
                    // the oldest first, until nothing waits; a busy server's committer hands over
                    // after a few batches more than its own (the others look again within 50 ms)
                    int more = MAX_EXTRA_BATCHES;
                    while (!queued.isEmpty() && (!mine.done().isDone() || more-- > 0)) {
                        commitQueued();
                    }
                } finally {
                    writing.unlock();
                }
                // rows queued after the last look but before the unlock are picked up by the next
                // pass (theirs or ours): nobody waits on a committer that has left
            } else {
                try {
                    mine.done().get(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillQueued) {
                    // the committer may have left just before our rows came: look again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while recording a delivery", e);
                } catch (ExecutionException e) {
                    break; // reported below
                }
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
        } catch (Error e) {
            // out of memory, a class that failed to load: everyone in the batch hears of it (their
            // rows are no longer queued, so nobody would commit or fail them), then it goes on up
            batch.forEach(pending -> pending.done().completeExceptionally(e));
            throw e;
        }
    }
}
