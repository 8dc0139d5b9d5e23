package org.mailforge.interfaces.rest;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The body of the specification's deletes and retries: {@code {"success": true, "message": ...}}. */
@JsonbPropertyOrder({"success", "message"})
public record Confirmation(boolean success, String message) {
}
