package org.mailforge.interfaces.rest;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The admin REST API, served on SMTP_HEALTH_PORT. HTTP Basic authentication against the user
 * store ({@link org.mailforge.interfaces.rest.security.ApiAuthenticationMechanism}); role {@code admin} for administrators, {@code user} for everyone who can log in.
 */
@ApplicationPath("/")
@DeclareRoles({Roles.ADMIN, Roles.USER})
public class AdminApplication extends Application {
}
