package org.mailforge.interfaces.rest.users;

import java.util.List;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** {@code GET /api/users/{username}/messages}: a page of a mailbox's messages, newest first. */
@JsonbPropertyOrder({"messages", "total", "offset", "limit"})
public record MessagePage(List<MessageView> messages, long total, int offset, int limit) {
}
