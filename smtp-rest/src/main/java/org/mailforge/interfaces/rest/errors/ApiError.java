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
        String error = status.getReasonPhrase().toLowerCase().replace(' ', '_');
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(error, message, field)).build();
    }
}
