package org.mailforge.application.operations;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Liveness counts the heap a collection left, not garbage waiting for the next one. */
class HealthServiceTest {

    @Test
    void garbageWaitingForTheNextCollectionIsNotCounted() {
        System.gc(); // a collection to measure from
        long before = HealthService.heapAfterLastCollection();
        assertTrue(before > 0, "HotSpot's beans say what the collection left");
        byte[] garbage = new byte[96 * 1024 * 1024]; // a client's large message, read and let go
        garbage[garbage.length - 1] = 1;
        int kept = garbage.length;
        garbage = null;
        long after = HealthService.heapAfterLastCollection();
        long current = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < kept / 2, "the 96 MB of garbage is not counted: " + (after - before) / (1 << 20) + " MB more");
        assertTrue(current >= after, "in use now includes it until a collection");
    }
}
