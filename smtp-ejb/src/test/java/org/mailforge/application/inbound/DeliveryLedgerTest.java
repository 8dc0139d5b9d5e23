package org.mailforge.application.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.domain.mail.StoredMessage;

/** Group commit: many deliveries share a transaction, each caller learns its own outcome. */
class DeliveryLedgerTest {

    /** Records the transactions it is given; a row of the mailbox "bad" fails its transaction. */
    static class RecordingWriter implements LedgerWriter {
        final List<List<StoredMessage>> transactions = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void write(List<StoredMessage> delivered) {
            try {
                Thread.sleep(5); // a commit takes time: others queue meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (delivered.stream().anyMatch(m -> m.getMailbox().equals("bad"))) {
                throw new IllegalStateException("constraint violated");
            }
            if (delivered.stream().anyMatch(m -> m.getMailbox().equals("fatal"))) {
                throw new OutOfMemoryError("Java heap space (thrown by the test)");
            }
            transactions.add(delivered);
        }

        int rows() {
            synchronized (transactions) {
                return transactions.stream().mapToInt(List::size).sum();
            }
        }
    }

    private static StoredMessage message(String mailbox) {
        return new StoredMessage(new StoredLocation(mailbox, "new/" + System.nanoTime(), 10), "", "session", Instant.now());
    }

    private static DeliveryLedger ledger(RecordingWriter writer) {
        DeliveryLedger ledger = new DeliveryLedger();
        ledger.writer = writer;
        return ledger;
    }

    /** One delivery per mailbox, each from its own thread of the pool, all let go at the same moment. */
    private static List<Future<?>> recordAtOnce(DeliveryLedger ledger, ExecutorService pool, List<String> mailboxes) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> calls = new ArrayList<>();
        for (String mailbox : mailboxes) {
            calls.add(pool.submit(() -> {
                start.await();
                ledger.record(List.of(message(mailbox)));
                return null;
            }));
        }
        start.countDown();
        return calls;
    }

    @Test
    void concurrentDeliveriesShareTransactionsAndAllAreCommitted() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        DeliveryLedger ledger = ledger(writer);
        ExecutorService pool = Executors.newFixedThreadPool(200);
        List<Future<?>> calls = recordAtOnce(ledger, pool,
                java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "user" + i).toList());
        for (Future<?> call : calls) {
            call.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(1000, writer.rows(), "every row exactly once");
        assertTrue(writer.transactions.size() < 500, "batched: " + writer.transactions.size() + " transactions");
        assertTrue(writer.transactions.stream().allMatch(t -> t.size() <= DeliveryLedger.MAX_BATCH));
    }

    @Test
    void manyRoundsOfHandOversLeaveNobodyWaiting() throws Exception {
        // waiters park without a timeout: a lost wake-up would leave a call hanging past its get().
        // More callers wait at once than one committer writes (its own batch and eight more of 64),
        // so the writer changes hands while all of them are parked and nobody new arrives.
        RecordingWriter writer = new RecordingWriter();
        DeliveryLedger ledger = ledger(writer);
        int callers = 1200;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        for (int round = 0; round < 3; round++) {
            int from = round * callers;
            for (Future<?> call : recordAtOnce(ledger, pool,
                    java.util.stream.IntStream.range(from, from + callers).mapToObj(i -> "user" + i).toList())) {
                call.get(30, TimeUnit.SECONDS);
            }
        }
        pool.shutdown();
        assertEquals(3 * callers, writer.rows());
    }

    @Test
    void aCallerInterruptedWhileWaitingIsNotWrittenAndStrandsNobody() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingWriter writer = new RecordingWriter() {
            @Override
            public void write(List<StoredMessage> delivered) {
                if (delivered.stream().anyMatch(m -> m.getMailbox().equals("first"))) {
                    writing.countDown();
                    try {
                        release.await(); // the writer is held while the others queue
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.write(delivered);
            }
        };
        DeliveryLedger ledger = ledger(writer);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        Future<?> first = pool.submit(() -> ledger.record(List.of(message("first"))));
        assertTrue(writing.await(10, TimeUnit.SECONDS));
        java.util.concurrent.atomic.AtomicReference<Thread> leaverThread = new java.util.concurrent.atomic.AtomicReference<>();
        Future<?> leaver = pool.submit(() -> {
            leaverThread.set(Thread.currentThread());
            ledger.record(List.of(message("leaver")));
        });
        Future<?> stayer = pool.submit(() -> ledger.record(List.of(message("stayer"))));
        while (leaverThread.get() == null || leaverThread.get().getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // until the leaver is parked behind the held writer
        }
        leaverThread.get().interrupt();
        ExecutionException left = assertThrows(ExecutionException.class, () -> leaver.get(10, TimeUnit.SECONDS));
        assertTrue(left.getCause() instanceof IllegalStateException, left.toString());
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        stayer.get(10, TimeUnit.SECONDS);
        pool.shutdown();
        List<String> written = writer.transactions.stream().flatMap(List::stream).map(StoredMessage::getMailbox).toList();
        assertEquals(java.util.Set.of("first", "stayer"), java.util.Set.copyOf(written), "the leaver's row is not written");
    }

    @Test
    void aFailingDeliveryFailsOnlyItsOwnCaller() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        DeliveryLedger ledger = ledger(writer);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<?>> good = new ArrayList<>(recordAtOnce(ledger, pool,
                java.util.stream.IntStream.range(0, 40).mapToObj(i -> i == 20 ? "bad" : "user" + i).toList()));
        Future<?> failing = good.remove(20);
        for (Future<?> call : good) {
            call.get(30, TimeUnit.SECONDS);
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
        assertEquals(39, writer.rows());
        pool.shutdown();
    }

    @Test
    void anErrorInTheWriterFailsEveryoneInItsBatchInsteadOfLeavingThemWaiting() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        DeliveryLedger ledger = ledger(writer);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<?>> calls = recordAtOnce(ledger, pool,
                java.util.stream.IntStream.range(0, 40).mapToObj(i -> i == 0 ? "fatal" : "user" + i).toList());
        int failed = 0;
        for (Future<?> call : calls) {
            try {
                call.get(30, TimeUnit.SECONDS); // a waiter left behind would time out here
            } catch (ExecutionException e) {
                failed++;
            }
        }
        pool.shutdown();
        assertTrue(failed >= 1, "the batch with the fatal row failed");
        // every caller that was told "committed" was; the committer that met the error may fail
        // although its own rows were in (a retry then duplicates, nothing is lost)
        List<String> committed = writer.transactions.stream().flatMap(List::stream).map(StoredMessage::getMailbox).toList();
        assertTrue(committed.size() >= 40 - failed, committed.size() + " committed, " + failed + " failed");
        assertEquals(committed.size(), new java.util.HashSet<>(committed).size(), "nobody twice");
        assertTrue(!committed.contains("fatal"));
    }
}
