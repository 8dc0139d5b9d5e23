package org.mailforge.interfaces.rest;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The admin REST API, served on SMTP_HEALTH_PORT. HTTP Basic authentication against the user
 * store ({@link org.mailforge.interfaces.rest.security.ApiAuthenticationMechanism}); role
 * {@code admin} for administrators, {@code user} for everyone who can log in. Described by
 * MicroProfile OpenAPI at {@code /openapi} (UI: {@code /openapi/ui}) on SMTP_METRICS_PORT.
 */
@OpenAPIDefinition(
        info = @Info(title = "Mailforge admin API", version = ApiGate.VERSION,
                description = "Users, the outbound queue, statistics and health of a Mailforge SMTP server. Every response "
                        + "carries X-API-Version and the X-RateLimit headers; errors are {\"error\", \"message\"} JSON.",
                license = @License(name = "MIT")),
        tags = {
            @Tag(name = "users", description = "Mail users"),
            @Tag(name = "queue", description = "Outbound delivery queue"),
            @Tag(name = "trace", description = "What happened to a message: the message trace"),
            @Tag(name = "monitoring", description = "Health and statistics"),
            @Tag(name = "certificates", description = "The server's TLS certificate and ACME"),
            @Tag(name = "tls-reports", description = "TLS reports (RFC 8460) to the domains mail goes to")})
@SecurityScheme(securitySchemeName = AdminApplication.BASIC_AUTH, type = SecuritySchemeType.HTTP, scheme = "basic")
@ApplicationPath("/")
@DeclareRoles({Roles.ADMIN, Roles.USER})
public class AdminApplication extends Application {

    /** The OpenAPI name of HTTP Basic, which the secured operations require. */
    public static final String BASIC_AUTH = "basic";
}
