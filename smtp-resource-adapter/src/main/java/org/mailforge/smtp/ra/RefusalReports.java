package org.mailforge.smtp.ra;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.mailforge.smtp.spi.Refusal;

/**
 * The refusals sessions report, handed to the application in batches on a thread of their own: a
 * session never waits for the message trace, and a flood of refused connections costs one
 * endpoint call per batch, not one each. At most {@link #CAPACITY} wait; beyond that they are
 * dropped and counted (every client had its reply already).
 */
final class RefusalReports implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RefusalReports.class.getName());
    static final int CAPACITY = 10_000;
    private static final int BATCH = 500;

    private final ArrayBlockingQueue<Refusal> waiting = new ArrayBlockingQueue<>(CAPACITY);
    private final Consumer<List<Refusal>> target;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;

    RefusalReports(Consumer<List<Refusal>> target, String name) {
        this.target = target;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    void report(List<Refusal> refusals) {
        for (Refusal refusal : refusals) {
            if (!waiting.offer(refusal) && dropped.incrementAndGet() % 1000 == 1) {
                LOG.warning(() -> "the message trace cannot keep up with refusals; " + dropped.get() + " not recorded so far");
            }
        }
    }

    private void run() {
        List<Refusal> batch = new ArrayList<>(BATCH);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(waiting.take());
            } catch (InterruptedException e) {
                return;
            }
            waiting.drainTo(batch, BATCH - 1);
            try {
                target.accept(List.copyOf(batch));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, batch.size() + " refusal(s) could not be handed to the application", e);
            }
            batch.clear();
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
