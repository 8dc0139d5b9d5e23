package org.mailforge.interfaces.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.mailforge.interfaces.rest.errors.ApiError;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.metrics.TrafficHistory;
import org.mailforge.smtp.spi.AdapterStatistics;

/** {@code GET /stats}: server statistics for administrators. */
@Path("/stats")
@Tag(name = "monitoring")
@RequestScoped
public class StatsResource {

    @Inject
    MailMetrics metrics;

    @Inject
    AdapterStatistics listener;

    @Inject
    org.mailforge.application.stats.StorageFigures storage;

    @Inject
    TrafficHistory history;

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = AdminApplication.BASIC_AUTH)
    @Operation(summary = "Server statistics", description = "Counts since start; processing times in milliseconds.")
    @APIResponse(responseCode = "200", description = "Statistics", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ServerStats.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public ServerStats stats() {
        return ServerStats.of(metrics, listener, storage.now());
    }

    /** The body of {@code GET /stats/history}. */
    public record Traffic(@jakarta.json.bind.annotation.JsonbProperty("interval_seconds") int intervalSeconds,
                          java.util.List<TrafficHistory.Sample> samples) {
    }

    @GET
    @Path("history")
    @RolesAllowed(Roles.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = AdminApplication.BASIC_AUTH)
    @Operation(summary = "The last hour of this node's traffic",
            description = "A sample a minute, oldest first: at (end of the minute), received (messages accepted in it), queued (outbound entries waiting at its end).")
    @APIResponse(responseCode = "200", description = "Samples", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Traffic.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Traffic history() {
        return new Traffic(60, history.samples());
    }
}
