package org.mailforge.smtp.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most {@code limit} holders at once per key: sessions per client address, delivery attempts
 * per destination. Memory: one entry per key that has a slot taken.
 *
 * @param <K> what is counted (a value type with equals and hashCode)
 */
public final class Slots<K> {

    /** A place held; give it back by closing it (closing twice gives back once). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** A slot that counts nothing, for holders that are not limited. */
    public static final Slot UNCOUNTED = () -> { };

    private final int limit;
    private final Map<K, Integer> taken = new ConcurrentHashMap<>();

    /** @param limit holders per key at once, 0 = no limit */
    public Slots(int limit) {
        this.limit = limit;
    }

    /** A slot for {@code key}, or null when {@code limit} are taken. */
    public Slot tryTake(K key) {
        if (limit == 0) {
            return UNCOUNTED;
        }
        boolean[] admitted = new boolean[1];
        taken.compute(key, (k, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < limit;
            return admitted[0] ? now + 1 : count;
        });
        if (!admitted[0]) {
            return null;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                taken.computeIfPresent(key, (k, count) -> count > 1 ? count - 1 : null);
            }
        };
    }

    /** Slots taken for {@code key} now. */
    public int taken(K key) {
        return taken.getOrDefault(key, 0);
    }

    /** Keys with at least one slot taken. */
    public int keys() {
        return taken.size();
    }
}
