package org.mailforge.interfaces.rest.trace;

import java.util.List;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** {@code GET /api/trace}: a page of traced messages, newest first, and how many the search found. */
@JsonbPropertyOrder({"messages", "total", "offset", "limit"})
public record TracePage(List<TraceSummaryView> messages, long total, int offset, int limit) {
}
