package org.mailforge.interfaces.rest.trace;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.mailforge.application.trace.TraceQueries;
import org.mailforge.domain.trace.TraceStatus;
import org.mailforge.domain.trace.TraceStore;
import org.mailforge.domain.user.UserValidation;
import org.mailforge.interfaces.rest.AdminApplication;
import org.mailforge.interfaces.rest.QueryParameters;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.rest.errors.ApiError;

/**
 * {@code /api/trace}: what happened to a message, from its client's connection to the last
 * delivery attempt. Administrators see every message; a user the mail it sent or received.
 */
@Path("/api/trace")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.USER})
@Tag(name = "trace")
@SecurityRequirement(name = AdminApplication.BASIC_AUTH)
public class TraceResource {

    @Inject
    TraceQueries traces;

    @Context
    SecurityContext security;

    @GET
    @Operation(summary = "Search the message trace", description = "Newest first. Administrators see every message and refusal;"
            + " a user the mail it sent (its login, or its addresses as sender) or received (its addresses and the aliases that"
            + " reach it). Addresses match whole (case-insensitive), or by domain when given as @domain.")
    @APIResponse(responseCode = "200", description = "A page of traced messages", content = @Content(mediaType = "application/json", schema = @Schema(implementation = TracePage.class)))
    @APIResponse(responseCode = "400", description = "A bad parameter", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public TracePage search(@Parameter(description = "Envelope sender, or @domain") @QueryParam("sender") String sender,
                            @Parameter(description = "Envelope recipient, or @domain") @QueryParam("recipient") String recipient,
                            @Parameter(description = "The Message-ID header field's value") @QueryParam("message_id") String messageId,
                            @Parameter(description = "The message's id (the 250 reply's \"queued as\") or a queue entry's id") @QueryParam("queue_id") String queueId,
                            @Parameter(description = "The client's IP address") @QueryParam("client") String client,
                            @Parameter(description = "refused, deferred, queued, delivered or failed") @QueryParam("status") String status,
                            @Parameter(description = "First seen at or after (ISO-8601, e.g. 2026-12-06T10:00:00Z)") @QueryParam("from") String from,
                            @Parameter(description = "First seen before (ISO-8601)") @QueryParam("to") String to,
                            @Parameter(description = "Entries to skip, default 0") @QueryParam("offset") String offsetParam,
                            @Parameter(description = "Page size, 1-1000, default 100") @QueryParam("limit") String limitParam) {
        int offset = QueryParameters.offset(offsetParam);
        int limit = QueryParameters.limit(limitParam);
        String id = QueryParameters.text("message_id", messageId, 255);
        if (id != null && !id.startsWith("<")) {
            id = "<" + id + ">"; // as the field has it
        }
        TraceQueries.Filter filter = new TraceQueries.Filter(QueryParameters.text("sender", sender, 320),
                QueryParameters.text("recipient", recipient, 320), id, QueryParameters.text("queue_id", queueId, 40),
                QueryParameters.text("client", client, 64), status(status), instant("from", from), instant("to", to));
        TraceStore.TracePage page = traces.search(viewer(), filter, offset, limit);
        return new TracePage(page.items().stream().map(TraceSummaryView::of).toList(), page.total(), offset, limit);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One message's timeline", description = "Every step, oldest first: refusals, where it was stored, each"
            + " queue entry, each delivery attempt with the destination's reply verbatim, notifications, administrators' actions.")
    @APIResponse(responseCode = "200", description = "The message and its steps", content = @Content(mediaType = "application/json", schema = @Schema(implementation = TraceView.class)))
    @APIResponse(responseCode = "404", description = "No such message, or not one the user sent or received", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public TraceView timeline(@PathParam("id") String id) {
        String wanted = QueryParameters.text("id", id, 40);
        return traces.find(viewer(), wanted).map(TraceView::of)
                .orElseThrow(() -> new NotFoundException("no traced message " + id));
    }

    private TraceQueries.Viewer viewer() {
        return new TraceQueries.Viewer(security.getUserPrincipal().getName(), security.isUserInRole(Roles.ADMIN));
    }

    private static TraceStatus status(String value) {
        String text = QueryParameters.text("status", value, 16);
        if (text == null) {
            return null;
        }
        TraceStatus status = TraceStatus.of(text.toLowerCase(java.util.Locale.ROOT));
        if (status == null) {
            throw new UserValidation.InvalidFieldException("status", "status must be refused, deferred, queued, delivered or failed");
        }
        return status;
    }

    private static Instant instant(String name, String value) {
        String text = QueryParameters.text(name, value, 40);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UserValidation.InvalidFieldException(name, name + " must be an ISO-8601 instant such as 2026-12-06T10:00:00Z");
        }
    }
}
