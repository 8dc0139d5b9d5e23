package org.mailforge.interfaces.rest.queue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.domain.queue.QueuedRecipient;

/** A queue entry as {@code GET /api/queue} shows it: the spec's fields, then per-recipient results. */
@JsonbPropertyOrder({"id", "from", "to", "subject", "sizeBytes", "attempts", "maxAttempts", "nextRetry", "status",
    "createdAt", "lastError", "recipients"})
public record QueuedMessageView(
        String id,
        String from,
        List<String> to,
        String subject,
        @JsonbProperty("size_bytes") long sizeBytes,
        int attempts,
        @JsonbProperty("max_attempts") int maxAttempts,
        @JsonbProperty("next_retry") Instant nextRetry,
        String status,
        @JsonbProperty("created_at") Instant createdAt,
        @JsonbProperty("last_error") String lastError,
        List<RecipientView> recipients) {

    /** One recipient's state and the destination's last reply. */
    public record RecipientView(String address, String status, @JsonbProperty("last_reply") String lastReply) {
    }

    static QueuedMessageView of(QueuedMessage m) {
        List<QueuedRecipient> recipients = m.getRecipients();
        return new QueuedMessageView(m.getId(), m.getSender(), recipients.stream().map(QueuedRecipient::getAddress).toList(),
                m.getSubject(), m.getSizeBytes(), m.getAttempts(), m.getMaxAttempts(), seconds(m.getNextRetry()),
                m.getStatus().apiName(), seconds(m.getCreatedAt()), m.getLastError(),
                recipients.stream().map(r -> new RecipientView(r.getAddress(), r.getStatus().name().toLowerCase(),
                        r.getLastReply())).toList());
    }

    private static Instant seconds(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS);
    }
}
