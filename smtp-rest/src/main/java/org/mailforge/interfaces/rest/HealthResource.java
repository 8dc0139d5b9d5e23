package org.mailforge.interfaces.rest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailforge.interfaces.rest.errors.ApiError;
import org.mailforge.application.common.Version;
import org.mailforge.smtp.spi.AdapterStatistics;
import org.mailforge.application.operations.HealthService;

/** {@code GET /health}: no authentication; 200 when healthy, 503 with the reasons when not. */
@Path("/health")
@Tag(name = "monitoring")
@RequestScoped
public class HealthResource {

    @Inject
    HealthService health;

    @Inject
    Version version;

    @Inject
    AdapterStatistics listener;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Health", description = "No authentication. For load balancers: 200 healthy, 503 unhealthy with the reasons.")
    @APIResponse(responseCode = "200", description = "Healthy", content = @Content(mediaType = "application/json", schema = @Schema(implementation = HealthReport.class)))
    @APIResponse(responseCode = "503", description = "Unhealthy; reasons lists why", content = @Content(mediaType = "application/json", schema = @Schema(implementation = HealthReport.class)))
    public Response health() {
        HealthService.Verdict verdict = health.verdict();
        return Response.status(verdict.healthy() ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(HealthReport.of(verdict, version.number(), listener))
                .build();
    }
}
