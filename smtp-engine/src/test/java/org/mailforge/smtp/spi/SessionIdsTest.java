package org.mailforge.smtp.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SessionIdsTest {

    @Test
    void idsMadeLaterSortAfterEarlierOnesAndOneMillisecondsIdsDiffer() {
        long now = 1_796_000_000_000L; // 2026-11-29
        String first = SessionIds.of(now, -1L); // the largest random part
        String next = SessionIds.of(now + 1, 0L); // the smallest random part, one millisecond later
        assertTrue(first.compareTo(next) < 0, first + " before " + next);
        assertTrue(SessionIds.of(now, 0L).compareTo(first) < 0);
        assertTrue(SessionIds.of(33_000_000_000_000L, 0L).compareTo(SessionIds.of(now, -1L)) > 0, "the year 3015 too");
        assertEquals(SessionIds.of(now, 5L).substring(0, 9), SessionIds.of(now, 6L).substring(0, 9));

        Set<String> made = new HashSet<>();
        for (int i = 0; i < 100_000; i++) { // many within each millisecond
            String id = SessionIds.next();
            assertTrue(id.matches("[0-9BCDFGHJKLMNPQRSTVWXYZ]{18}"), id);
            assertTrue(made.add(id), "made twice: " + id);
        }
    }
}
