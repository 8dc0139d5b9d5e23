package org.mailforge.interfaces.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The admin REST API, served on SMTP_HEALTH_PORT. */
@ApplicationPath("/")
public class AdminApplication extends Application {
}
