package org.mailforge.interfaces.rest.queue;

import java.time.Instant;
import java.util.Locale;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.application.outbound.OutboundQueueService;
import org.mailforge.domain.queue.QueueFilter;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.domain.user.UserValidation;
import org.mailforge.interfaces.rest.QueryParameters;

/**
 * {@code POST /api/queue/bulk}: {@code {"action": "hold", "dsn": false, "filter": {"domain": "example.net",
 * "sender": ..., "older_than_minutes": 30, "status": "retry", "error_contains": "timeout"}}}.
 */
public class BulkRequest {

    public String action;
    public Boolean dsn;
    public Filter filter;

    /** Which entries; every field given must match. */
    public static class Filter {
        public String domain;
        public String sender;
        @JsonbProperty("older_than_minutes")
        public Integer olderThanMinutes;
        public String status;
        @JsonbProperty("error_contains")
        public String errorContains;
    }

    /** What the action did. */
    @JsonbPropertyOrder({"action", "matched", "touched"})
    public record Result(String action, int matched, int touched) {
    }

    OutboundQueueService.BulkAction action() {
        try {
            return OutboundQueueService.BulkAction.valueOf(String.valueOf(action).strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserValidation.InvalidFieldException("action", "action must be retry, hold, release or delete");
        }
    }

    /** The filter; an empty one is refused, so that no slip acts on the whole queue unasked (status alone is enough). */
    QueueFilter filter() {
        Filter f = filter == null ? new Filter() : filter;
        String domain = f.domain == null || f.domain.isBlank() ? null : QueueResource.domainName(f.domain);
        String sender = QueryParameters.text("sender", f.sender, 320);
        if (f.olderThanMinutes != null && (f.olderThanMinutes < 1 || f.olderThanMinutes > 525_600)) {
            // 0 would match every entry: the empty filter this refuses
            throw new UserValidation.InvalidFieldException("older_than_minutes", "older_than_minutes must be from 1 to 525600");
        }
        QueueStatus status = null;
        String statusText = QueryParameters.text("status", f.status, 16);
        if (statusText != null) {
            try {
                status = QueueStatus.valueOf(statusText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserValidation.InvalidFieldException("status", "status must be pending, retry, failed or held");
            }
        }
        String error = QueryParameters.text("error_contains", f.errorContains, 200);
        if (domain == null && sender == null && f.olderThanMinutes == null && status == null && error == null) {
            throw new UserValidation.InvalidFieldException("filter", "a filter is required: domain, sender, older_than_minutes, status or error_contains");
        }
        Instant before = f.olderThanMinutes == null ? null : Instant.now().minusSeconds(60L * f.olderThanMinutes);
        return new QueueFilter(domain, sender, before, status, error);
    }
}
