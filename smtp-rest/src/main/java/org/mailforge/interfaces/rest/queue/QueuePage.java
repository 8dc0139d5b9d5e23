package org.mailforge.interfaces.rest.queue;

import java.util.List;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** {@code GET /api/queue}: a page of queue entries and where it lies in the whole queue. */
@JsonbPropertyOrder({"messages", "total", "offset", "limit"})
public record QueuePage(List<QueuedMessageView> messages, long total, int offset, int limit) {
}
