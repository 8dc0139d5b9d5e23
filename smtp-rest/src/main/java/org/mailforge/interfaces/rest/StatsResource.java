package org.mailforge.interfaces.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.mailforge.application.ServerStats;
import org.mailforge.application.StatsService;

/** {@code GET /stats}: server statistics for administrators. */
@Path("/stats")
@RequestScoped
public class StatsResource {

    @Inject
    StatsService stats;

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    public ServerStats stats() {
        return stats.stats();
    }
}
