package org.mailforge.application.common;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts per key and clock hour, in memory on this node: what a key (a network, a mailbox) did in
 * the present hour. Bounded: when it holds {@code maxKeys} keys it forgets the counts of past
 * hours, and if that frees nothing a new key is counted as over any limit (it gets no entry).
 */
public final class HourlyCounts {

    private final int maxKeys;
    private final Map<String, long[]> counts = new ConcurrentHashMap<>();
    /** The hour in which forgetting past hours freed nothing: new keys of that hour are refused without looking again. */
    private volatile long fullHour = Long.MIN_VALUE;

    public HourlyCounts(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    /**
     * Counts one more for {@code key} in the hour {@code epochHour}.
     *
     * @return the key's count in that hour, this one included; {@link Long#MAX_VALUE} when there is no room for a new key
     */
    public long add(String key, long epochHour) {
        if (counts.size() >= maxKeys && !counts.containsKey(key)) {
            if (fullHour == epochHour) {
                return Long.MAX_VALUE; // a flood of new keys costs no scan each
            }
            counts.values().removeIf(counter -> counter[0] != epochHour);
            if (counts.size() >= maxKeys) {
                fullHour = epochHour;
                return Long.MAX_VALUE;
            }
        }
        return counts.compute(key, (k, old) -> old == null || old[0] != epochHour ? new long[] {epochHour, 1}
                : new long[] {epochHour, old[1] + 1})[1];
    }
}
