package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for directory fsyncs. A writer that has just renamed a file into a directory needs
 * an fsync of that directory that starts after its rename; it does not need one of its own. Fifty
 * sessions delivering into one maildir at once share one fsync instead of queueing for fifty (the
 * kernel's journal commits them together anyway, but each call still costs a commit's CPU and wait).
 *
 * <p>Callers hash to one of a fixed number of stripes, so memory stays bounded however many
 * directories there are. In a stripe, a caller takes a ticket after its change and joins the
 * directories to sync; whoever holds the stripe's lock syncs every directory joined so far and
 * marks every ticket up to the newest as done. A caller whose ticket is already done returns
 * without an fsync. If an fsync fails, its directories stay to be synced and the caller gets the
 * exception; the next caller tries again, so nobody is told "durable" on a failed sync.
 */
final class DirectorySync {

    /** One fsync of one directory. */
    @FunctionalInterface
    interface Fsync {
        void force(Path directory) throws IOException;
    }

    private static final int STRIPES = 64;

    private final Fsync fsync;
    private final Stripe[] stripes = new Stripe[STRIPES];

    DirectorySync(Fsync fsync) {
        this.fsync = fsync;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    /** Returns once an fsync of {@code directory} that began after this call was entered has completed. */
    void force(Path directory) throws IOException {
        Path key = directory.toAbsolutePath().normalize();
        stripes[Math.floorMod(key.hashCode(), STRIPES)].force(key);
    }

    private final class Stripe {
        private final ReentrantLock syncing = new ReentrantLock();
        private Set<Path> waiting = new HashSet<>();
        private long issued;
        private volatile long done;

        void force(Path directory) throws IOException {
            long ticket;
            synchronized (this) {
                waiting.add(directory);
                ticket = ++issued;
            }
            syncing.lock();
            try {
                if (done >= ticket) {
                    return; // a sync that began after our ticket covered our directory
                }
                Set<Path> batch;
                long upTo;
                synchronized (this) {
                    batch = waiting;
                    waiting = new HashSet<>();
                    upTo = issued;
                }
                Set<Path> left = new HashSet<>(batch);
                try {
                    for (Path each : batch) {
                        fsync.force(each);
                        left.remove(each);
                    }
                } catch (IOException | RuntimeException e) {
                    synchronized (this) {
                        waiting.addAll(left);
                    }
                    throw e;
                }
                done = upTo;
            } finally {
                syncing.unlock();
            }
        }
    }
}
