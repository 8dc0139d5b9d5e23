package org.mailforge.application.metrics;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The last hour of this node's traffic, a sample a minute: messages accepted in that minute and
 * the outbound queue's waiting entries at its end. What the web UI's dashboard draws; kept in
 * memory (60 small records), so a restart starts it afresh.
 */
@ApplicationScoped
public class TrafficHistory {

    /** Samples kept: one hour. */
    public static final int SAMPLES = 60;

    /** One minute: when it ended, messages accepted during it, queue entries waiting at its end. */
    public record Sample(Instant at, long received, long queued) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>(SAMPLES);
    /** The running total at the last sample; the metrics count from zero at start. */
    private long acceptedBefore;

    /** Records the minute that ends now from the running total of accepted messages. */
    public synchronized void record(Instant now, long acceptedTotal, long queued) {
        if (samples.size() == SAMPLES) {
            samples.removeFirst();
        }
        samples.addLast(new Sample(now.truncatedTo(ChronoUnit.SECONDS), Math.max(0, acceptedTotal - acceptedBefore), queued));
        acceptedBefore = acceptedTotal;
    }

    /** The samples, oldest first. */
    public synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }
}
