package org.mailforge.interfaces.rest.queue;

import java.time.Instant;
import java.util.List;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.domain.queue.QueueControls;

/** A suspended destination domain: since when, and who suspended it. */
@JsonbPropertyOrder({"domain", "since", "by"})
public record SuspensionView(String domain, Instant since, String by) {

    static SuspensionView of(QueueControls.Suspension suspension) {
        return new SuspensionView(suspension.domain(), suspension.since(), suspension.by());
    }

    /** {@code GET /api/queue/suspensions}. */
    public record Page(List<SuspensionView> suspensions) {
    }
}
