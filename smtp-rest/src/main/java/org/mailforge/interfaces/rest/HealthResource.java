package org.mailforge.interfaces.rest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.mailforge.application.HealthReport;
import org.mailforge.application.HealthService;

/** {@code GET /health}: no authentication; 200 when healthy, 503 with the reasons when not. */
@Path("/health")
@RequestScoped
public class HealthResource {

    @Inject
    HealthService health;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        HealthReport report = health.report();
        return Response.status(report.healthy() ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(report)
                .build();
    }
}
