package org.mailforge.interfaces.rest.users;

import java.util.List;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** {@code GET /api/users}: a page of users and where it lies in the whole list. */
@JsonbPropertyOrder({"users", "total", "offset", "limit"})
public record UserPage(List<UserView> users, long total, int offset, int limit) {
}
