package org.mailforge.interfaces.rest.users;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.domain.mail.MessageIndex;

/** A stored message as the search shows it: its envelope and header fields, not its body. */
@JsonbPropertyOrder({"id", "messageId", "folder", "from", "to", "subject", "date", "sizeBytes"})
public record MessageView(
        long id,
        @JsonbProperty("message_id") String messageId,
        String folder,
        String from,
        String to,
        String subject,
        Instant date,
        @JsonbProperty("size_bytes") long sizeBytes) {

    static MessageView of(MessageIndex.Entry message) {
        return new MessageView(message.id(), message.messageId(), message.folder(), message.from(), message.to(), message.subject(),
                message.date() == null ? null : message.date().truncatedTo(ChronoUnit.SECONDS), message.size());
    }
}
