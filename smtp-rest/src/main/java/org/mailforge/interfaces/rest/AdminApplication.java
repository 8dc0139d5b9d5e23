package org.mailforge.interfaces.rest;

import jakarta.annotation.security.DeclareRoles;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The admin REST API, served on SMTP_HEALTH_PORT. HTTP Basic authentication against the user
 * store; role {@code admin} for administrators, {@code user} for everyone who can log in.
 */
@ApplicationPath("/")
@BasicAuthenticationMechanismDefinition(realmName = "mailforge")
@DeclareRoles({Roles.ADMIN, Roles.USER})
public class AdminApplication extends Application {
}
