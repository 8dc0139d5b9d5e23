package org.mailforge.smtp.ra;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/** Events in the last 60 seconds, in one-second slots: fixed memory, no locks. */
final class MinuteWindow {

    private static final int SLOTS = 60;

    private final AtomicLongArray counts = new AtomicLongArray(SLOTS);
    private final AtomicLongArray seconds = new AtomicLongArray(SLOTS);
    private final LongSupplier clockSeconds;

    MinuteWindow(LongSupplier clockSeconds) {
        this.clockSeconds = clockSeconds;
    }

    void record() {
        long now = clockSeconds.getAsLong();
        int slot = (int) Math.floorMod(now, (long) SLOTS);
        long was = seconds.get(slot);
        if (was != now && seconds.compareAndSet(slot, was, now)) {
            counts.set(slot, 0);
        }
        counts.incrementAndGet(slot);
    }

    long total() {
        long now = clockSeconds.getAsLong();
        long sum = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            if (now - seconds.get(slot) < SLOTS) {
                sum += counts.get(slot);
            }
        }
        return sum;
    }
}
