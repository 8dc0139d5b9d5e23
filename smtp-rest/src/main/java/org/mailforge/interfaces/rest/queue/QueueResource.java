package org.mailforge.interfaces.rest.queue;

import java.util.List;
import java.util.Locale;
import java.util.Map;

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

import org.mailforge.application.outbound.OutboundQueueService;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.domain.user.UserValidation;
import org.mailforge.interfaces.rest.QueryParameters;
import org.mailforge.interfaces.rest.Roles;

/** {@code /api/queue}: the outbound queue, for administrators. */
@Path("/api/queue")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class QueueResource {

    @Inject
    OutboundQueueService queue;

    @GET
    public Response list(@QueryParam("offset") String offsetParam, @QueryParam("limit") String limitParam,
                         @QueryParam("status") String statusParam) {
        int offset = QueryParameters.offset(offsetParam);
        int limit = QueryParameters.limit(limitParam);
        QueueStatus status = status(statusParam);
        List<QueuedMessageView> page = queue.list(status, offset, limit).stream().map(QueuedMessageView::of).toList();
        return Response.ok(Map.of("messages", page, "total", queue.count(status), "offset", offset, "limit", limit)).build();
    }

    @POST
    @Path("{id}/retry")
    public Response retry(@PathParam("id") String id) {
        if (!queue.retryNow(id)) {
            throw new NotFoundException("message not found: " + id);
        }
        return Response.ok(Map.of("success", true, "message", "Message queued for immediate retry")).build();
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        if (!queue.delete(id)) {
            throw new NotFoundException("message not found: " + id);
        }
        return Response.ok(Map.of("success", true, "message", "Message removed from queue")).build();
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
