package org.mailforge.interfaces.rest.trace;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.domain.trace.TraceFacts;
import org.mailforge.domain.trace.TraceSummary;

/** A traced message as {@code GET /api/trace} lists it. */
@JsonbPropertyOrder({"id", "status", "firstAt", "lastAt", "from", "to", "subject", "messageId", "sizeBytes", "client",
    "authUser", "listener", "node", "authentication", "scan"})
public record TraceSummaryView(
        String id,
        String status,
        @JsonbProperty("first_at") Instant firstAt,
        @JsonbProperty("last_at") Instant lastAt,
        String from,
        List<String> to,
        String subject,
        @JsonbProperty("message_id") String messageId,
        @JsonbProperty("size_bytes") Long sizeBytes,
        ClientView client,
        @JsonbProperty("auth_user") String authUser,
        String listener,
        String node,
        String authentication,
        String scan) {

    /** Who sent it: the client's address (the real one behind PROXY), its verified name, its HELO and TLS. */
    public record ClientView(String address, String name, String helo, String tls) {
    }

    static TraceSummaryView of(TraceSummary summary) {
        TraceFacts f = summary.facts();
        List<String> to = f.recipients() == null || f.recipients().isBlank() ? List.of() : Arrays.asList(f.recipients().split(" "));
        return new TraceSummaryView(summary.id(), summary.status().apiName(), summary.firstAt(), summary.lastAt(), f.sender(), to,
                f.subject(), f.messageId(), f.sizeBytes(), new ClientView(f.clientAddress(), f.clientName(), f.helo(), f.tls()),
                f.authUser(), f.listener(), f.node(), f.authentication(), f.scan());
    }
}
