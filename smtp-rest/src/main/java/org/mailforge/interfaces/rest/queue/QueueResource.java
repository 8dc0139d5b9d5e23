package org.mailforge.interfaces.rest.queue;

import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.mailforge.application.outbound.OutboundQueueService;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.domain.user.UserValidation;
import org.mailforge.interfaces.rest.AdminApplication;
import org.mailforge.interfaces.rest.Confirmation;
import org.mailforge.interfaces.rest.QueryParameters;
import org.mailforge.interfaces.rest.errors.ApiError;
import org.mailforge.interfaces.rest.Roles;

/** {@code /api/queue}: the outbound queue, for administrators. */
@Path("/api/queue")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "queue")
@SecurityRequirement(name = AdminApplication.BASIC_AUTH)
public class QueueResource {

    @Inject
    OutboundQueueService queue;

    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.SecurityContext security;

    @GET
    @Operation(summary = "List queued messages", description = "Administrators only; oldest first.")
    @APIResponse(responseCode = "200", description = "A page of queue entries", content = @Content(mediaType = "application/json", schema = @Schema(implementation = QueuePage.class)))
    @APIResponse(responseCode = "400", description = "Bad offset, limit, status or domain", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "401", description = "No or wrong credentials", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "429", description = "Rate limit exceeded (Retry-After)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response list(@Parameter(description = "Entries to skip, default 0") @QueryParam("offset") String offsetParam,
                         @Parameter(description = "Page size, 1-1000, default 100") @QueryParam("limit") String limitParam,
                         @Parameter(description = "pending, retry or failed") @QueryParam("status") String statusParam,
                         @Parameter(description = "Only entries for this destination domain") @QueryParam("domain") String domainParam) {
        int offset = QueryParameters.offset(offsetParam);
        int limit = QueryParameters.limit(limitParam);
        QueueStatus status = status(statusParam);
        String domain = QueryParameters.text("domain", domainParam, 255);
        domain = domain == null ? null : domain.toLowerCase(Locale.ROOT);
        List<QueuedMessageView> page = queue.list(status, domain, offset, limit).stream().map(QueuedMessageView::of).toList();
        return Response.ok(new QueuePage(page, queue.count(status, domain), offset, limit)).build();
    }

    @POST
    @Path("{id}/retry")
    @Operation(summary = "Retry now", description = "Also re-opens a failed entry.")
    @APIResponse(responseCode = "200", description = "Scheduled", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "401", description = "No or wrong credentials", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such entry", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "429", description = "Rate limit exceeded (Retry-After)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response retry(@PathParam("id") String id) {
        if (!queue.retryNow(id, security.getUserPrincipal().getName())) {
            throw new NotFoundException("message not found: " + id);
        }
        return Response.ok(new Confirmation(true, "Message queued for immediate retry")).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Remove from the queue", description = "The message is not delivered and not returned to the sender.")
    @APIResponse(responseCode = "200", description = "Removed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "401", description = "No or wrong credentials", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such entry", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "429", description = "Rate limit exceeded (Retry-After)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response delete(@PathParam("id") String id) {
        if (!queue.delete(id, security.getUserPrincipal().getName())) {
            throw new NotFoundException("message not found: " + id);
        }
        return Response.ok(new Confirmation(true, "Message removed from queue")).build();
    }

    private static QueueStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return QueueStatus.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserValidation.InvalidFieldException("status", "status must be pending, retry or failed");
        }
    }
}
