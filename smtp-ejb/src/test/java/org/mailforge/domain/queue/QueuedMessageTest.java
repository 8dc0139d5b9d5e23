package org.mailforge.domain.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The retry schedule decides what an attempt costs: ETRN can bring attempts forward, never spend them. */
class QueuedMessageTest {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");

    private static QueuedMessage entry() {
        return new QueuedMessage("msg_1", new QueuedMessage.Envelope("a@example.test", "s", 10, false, "S1", null, false),
                "remote.test", List.of("b@remote.test"), "content", 3, T0);
    }

    @Test
    void attemptsBroughtForwardDoNotCount() {
        QueuedMessage entry = entry();
        Duration fiveMinutes = Duration.ofMinutes(5);
        assertTrue(entry.attempted("451 first", T0, fiveMinutes), "the first attempt counts");
        assertEquals(T0.plus(fiveMinutes), entry.dueAfter(fiveMinutes, T0.plusSeconds(10)));
        for (int minute = 1; minute <= 4; minute++) { // ETRN once a minute
            Instant now = T0.plus(Duration.ofMinutes(minute));
            assertFalse(entry.attempted("451 early", now, fiveMinutes), "minute " + minute);
            assertEquals(T0.plus(fiveMinutes), entry.dueAfter(fiveMinutes, now), "the schedule does not move");
        }
        assertEquals(1, entry.getAttempts());
        assertFalse(entry.attemptsExhausted());
        assertTrue(entry.attempted("451 on time", T0.plus(fiveMinutes), fiveMinutes), "the scheduled attempt counts");
        assertEquals(2, entry.getAttempts());
        assertEquals("451 on time", entry.getLastError());
    }

    @Test
    void aLateAttemptIsDueAtOnce() {
        QueuedMessage entry = entry();
        entry.attempted("451", T0, Duration.ofMinutes(1));
        Instant late = T0.plus(Duration.ofHours(1));
        assertEquals(late, entry.dueAfter(Duration.ofMinutes(1), late));
    }
}
