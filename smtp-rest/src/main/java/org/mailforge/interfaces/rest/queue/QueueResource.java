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
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response list(@Parameter(description = "Entries to skip, default 0") @QueryParam("offset") String offsetParam,
                         @Parameter(description = "Page size, 1-1000, default 100") @QueryParam("limit") String limitParam,
                         @Parameter(description = "pending, retry, failed or held") @QueryParam("status") String statusParam,
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
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such entry", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "An attempt holds the entry right now; try again in a moment", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response retry(@PathParam("id") String id) {
        if (!busy(() -> queue.retryNow(id, actor()))) {
            throw new NotFoundException("message not found: " + id);
        }
        return Response.ok(new Confirmation(true, "Message queued for immediate retry")).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Remove from the queue", description = "The message is not delivered and not returned to the sender.")
    @APIResponse(responseCode = "200", description = "Removed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such entry", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "An attempt holds the entry right now; try again in a moment", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response delete(@PathParam("id") String id) {
        if (!busy(() -> queue.delete(id, actor()))) {
            throw new NotFoundException("message not found: " + id);
        }
        return Response.ok(new Confirmation(true, "Message removed from queue")).build();
    }

    @POST
    @Path("{id}/hold")
    @Operation(summary = "Hold an entry", description = "Nothing is attempted until it is released; a failed entry cannot be held.")
    @APIResponse(responseCode = "200", description = "Held", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "404", description = "No such waiting entry", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response hold(@PathParam("id") String id) {
        if (!queue.hold(id, actor())) {
            throw new NotFoundException("no waiting entry " + id);
        }
        return Response.ok(new Confirmation(true, "Message held")).build();
    }

    @POST
    @Path("{id}/release")
    @Operation(summary = "Release a held entry", description = "It is tried at once.")
    @APIResponse(responseCode = "200", description = "Released", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "404", description = "No such held entry", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response release(@PathParam("id") String id) {
        if (!queue.release(id, actor())) {
            throw new NotFoundException("no held entry " + id);
        }
        return Response.ok(new Confirmation(true, "Message released")).build();
    }

    @POST
    @Path("bulk")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Act on every entry a filter matches", description = "retry, hold, release or delete (with dsn: the senders"
            + " are notified) each entry matching all the filter's fields, oldest first, at most 10,000 a call; effective on every node.")
    @APIResponse(responseCode = "200", description = "How many entries matched and how many changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = BulkRequest.Result.class)))
    @APIResponse(responseCode = "400", description = "A bad action or filter", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public BulkRequest.Result bulk(BulkRequest request) {
        if (request == null) {
            throw new UserValidation.InvalidFieldException("action", "a JSON object with action and filter is required");
        }
        OutboundQueueService.BulkAction action = request.action();
        OutboundQueueService.BulkResult result = queue.bulk(action, Boolean.TRUE.equals(request.dsn), request.filter(), actor());
        return new BulkRequest.Result(action.name().toLowerCase(Locale.ROOT), result.matched(), result.touched());
    }

    @GET
    @Path("suspensions")
    @Operation(summary = "Suspended destination domains", description = "Their mail waits; nothing is attempted.")
    @APIResponse(responseCode = "200", description = "The suspended domains", content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuspensionView.Page.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public SuspensionView.Page suspensions() {
        return new SuspensionView.Page(queue.suspensions().stream().map(SuspensionView::of).toList());
    }

    @jakarta.ws.rs.PUT
    @Path("suspensions/{domain}")
    @Operation(summary = "Suspend a destination domain", description = "Its mail waits on every node within seconds; nothing is attempted until it is resumed.")
    @APIResponse(responseCode = "200", description = "Suspended", content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuspensionView.class)))
    @APIResponse(responseCode = "400", description = "Not a domain name", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public SuspensionView suspend(@PathParam("domain") String domain) {
        return SuspensionView.of(queue.suspend(domainName(domain), actor()));
    }

    @DELETE
    @Path("suspensions/{domain}")
    @Operation(summary = "Resume a suspended destination domain", description = "Its waiting mail is tried at once.")
    @APIResponse(responseCode = "200", description = "Resumed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "404", description = "Not suspended", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response resume(@PathParam("domain") String domain) {
        if (!queue.resume(domainName(domain), actor())) {
            throw new NotFoundException(domain + " is not suspended");
        }
        return Response.ok(new Confirmation(true, "Destination resumed")).build();
    }

    /** An entry an attempt holds right now is a 409: the administrator tries again in a moment. */
    private static boolean busy(java.util.function.BooleanSupplier action) {
        try {
            return action.getAsBoolean();
        } catch (OutboundQueueService.EntryBusyException e) {
            throw new jakarta.ws.rs.ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
    }

    private String actor() {
        return security.getUserPrincipal().getName();
    }

    /** A destination domain as the queue writes it: lower case; 400 when it is no domain name. */
    static String domainName(String value) {
        String text = QueryParameters.text("domain", value, 253);
        try {
            if (text == null || !text.contains(".") || text.startsWith(".")) {
                throw new IllegalArgumentException("no dot");
            }
            org.mailforge.smtp.spi.Domains.ascii(text);
        } catch (IllegalArgumentException e) {
            throw new UserValidation.InvalidFieldException("domain", "domain must be a domain name such as example.net");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    private static QueueStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return QueueStatus.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserValidation.InvalidFieldException("status", "status must be pending, retry, failed or held");
        }
    }
}
