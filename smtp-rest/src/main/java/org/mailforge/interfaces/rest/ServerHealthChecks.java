package org.mailforge.interfaces.rest;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.mailforge.application.operations.HealthService;

/** MicroProfile Health (/health/live, /health/ready on SMTP_METRICS_PORT), from the same rules as /health. */
@ApplicationScoped
public class ServerHealthChecks {

    @Inject
    HealthService health;

    @Produces
    @Liveness
    HealthCheck liveness() {
        return () -> response("mailforge-live", health.livenessProblems());
    }

    @Produces
    @Readiness
    HealthCheck readiness() {
        return () -> response("mailforge-ready", health.readinessProblems());
    }

    private static HealthCheckResponse response(String name, List<String> problems) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(name).status(problems.isEmpty());
        for (int i = 0; i < problems.size(); i++) {
            builder.withData("problem" + (i + 1), problems.get(i));
        }
        return builder.build();
    }
}
