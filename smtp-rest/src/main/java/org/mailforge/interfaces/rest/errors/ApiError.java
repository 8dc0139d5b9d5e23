package org.mailforge.interfaces.rest.errors;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The body of every API error: {@code {"error": ..., "message": ..., "field": ...}}. */
@JsonbPropertyOrder({"error", "message", "field"})
public record ApiError(String error, String message, String field) {

    public static Response response(Response.Status status, String message) {
        return response(status, message, null);
    }

    public static Response response(Response.Status status, String message, String field) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(of(status, message, field)).build();
    }

    /** The error named after the status: {@code not_found}, {@code too_many_requests}, ... */
    public static ApiError of(Response.Status status, String message, String field) {
        return new ApiError(status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT).replace(' ', '_'), message, field);
    }
}
