package org.mailforge.infrastructure.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class DirectorySyncTest {

    private static final Path DIR = Path.of("/var/mail/bob@example.org/new");

    /** An fsync that blocks until released, counting calls per directory. */
    private static final class SlowFsync implements DirectorySync.Fsync {
        final Map<Path, AtomicInteger> calls = new ConcurrentHashMap<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void force(Path directory) throws IOException {
            calls.computeIfAbsent(directory, d -> new AtomicInteger()).incrementAndGet();
            entered.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }

        int total() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    private static Thread start(DirectorySync sync, Path dir, List<Throwable> failures) {
        Thread thread = new Thread(() -> {
            try {
                sync.force(dir);
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        thread.start();
        return thread;
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "thread never blocked: " + thread.getState());
            Thread.sleep(1);
        }
    }

    /**
     * One writer's fsync is under way when {@code later} more writers come (each blocked before the
     * first fsync ends); returns how many fsyncs it took until all of them returned.
     */
    private static int fsyncsWhenWritersComeDuringOne(int later) throws Exception {
        SlowFsync fsync = new SlowFsync();
        DirectorySync sync = new DirectorySync(fsync);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> writers = new ArrayList<>(List.of(start(sync, DIR, failures)));
        assertTrue(fsync.entered.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < later; i++) {
            Thread t = start(sync, DIR, failures); // renamed after the running fsync began
            writers.add(t);
            awaitWaiting(t);
        }
        fsync.release.countDown();
        for (Thread t : writers) {
            t.join(10_000);
        }
        assertTrue(failures.isEmpty(), failures.toString());
        return fsync.total();
    }

    @Test
    void writersThatArriveDuringAnFsyncShareTheNextOne() throws Exception {
        assertEquals(2, fsyncsWhenWritersComeDuringOne(20), "the first writer's own fsync, then one for the twenty: not 21");
    }

    @Test
    void anFsyncThatBeganBeforeAWriterCameDoesNotCountForIt() throws Exception {
        assertEquals(2, fsyncsWhenWritersComeDuringOne(1), "the second writer got an fsync that began after it came");
    }

    @Test
    void aFailedFsyncReachesItsCallerAndIsTriedAgainForTheNext() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        DirectorySync sync = new DirectorySync(dir -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("No space left on device");
            }
        });
        IOException failure = assertThrows(IOException.class, () -> sync.force(DIR));
        assertEquals("No space left on device", failure.getMessage());
        sync.force(DIR);
        assertEquals(2, calls.get(), "the directory is synced again, not taken as done");
        sync.force(DIR);
        assertEquals(3, calls.get(), "a writer after a completed sync gets a sync of its own");
    }
}
