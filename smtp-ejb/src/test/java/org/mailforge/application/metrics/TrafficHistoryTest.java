package org.mailforge.application.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class TrafficHistoryTest {

    @Test
    void eachSampleHoldsTheMinutesMessagesAndTheQueueAtItsEnd() {
        TrafficHistory history = new TrafficHistory();
        Instant start = Instant.parse("2026-12-02T10:00:00Z");
        history.record(start, 12, 3);
        history.record(start.plusSeconds(60), 12, 0);
        history.record(start.plusSeconds(120), 40, 5);
        assertEquals(List.of(new TrafficHistory.Sample(start, 12, 3), new TrafficHistory.Sample(start.plusSeconds(60), 0, 0),
                new TrafficHistory.Sample(start.plusSeconds(120), 28, 5)), history.samples());
    }

    @Test
    void keepsTheLastHour() {
        TrafficHistory history = new TrafficHistory();
        Instant start = Instant.parse("2026-12-02T10:00:00Z");
        for (int minute = 0; minute < 90; minute++) {
            history.record(start.plusSeconds(60L * minute), minute * 10L, minute);
        }
        List<TrafficHistory.Sample> samples = history.samples();
        assertEquals(TrafficHistory.SAMPLES, samples.size());
        assertEquals(start.plusSeconds(60L * 30), samples.get(0).at());
        assertEquals(new TrafficHistory.Sample(start.plusSeconds(60L * 89), 10, 89), samples.get(samples.size() - 1));
    }
}
