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

    @Test
    void writersThatArriveDuringAnFsyncShareTheNextOne() throws Exception {
        SlowFsync fsync = new SlowFsync();
        DirectorySync sync = new DirectorySync(fsync);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread first = start(sync, DIR, failures);
        assertTrue(fsync.entered.await(10, TimeUnit.SECONDS));
        List<Thread> later = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Thread t = start(sync, DIR, failures);
            later.add(t);
            awaitWaiting(t);
        }
        fsync.release.countDown();
        first.join(10_000);
        for (Thread t : later) {
            t.join(10_000);
        }
        assertTrue(failures.isEmpty(), failures.toString());
        // the first writer's own fsync, then one for the twenty that came while it ran: not 21
        assertEquals(2, fsync.total());
    }

    @Test
    void anFsyncThatBeganBeforeAWriterCameDoesNotCountForIt() throws Exception {
        SlowFsync fsync = new SlowFsync();
        DirectorySync sync = new DirectorySync(fsync);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread first = start(sync, DIR, failures);
        assertTrue(fsync.entered.await(10, TimeUnit.SECONDS));
        Thread second = start(sync, DIR, failures); // renamed after the running fsync began
        awaitWaiting(second);
        fsync.release.countDown();
        first.join(10_000);
        second.join(10_000);
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(2, fsync.calls.get(DIR).get(), "the second writer got an fsync that began after it came");
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
