package org.mailforge.interfaces.rest.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * API answers carry users, queues and keys' public halves: no browser or proxy keeps them
 * ({@code Cache-Control: no-store}) unless the resource said otherwise (the MTA-STS policy). Over
 * HTTPS they also tell the browser to come back over HTTPS only (HSTS, a year).
 */
@Provider
public class NoStore implements ContainerResponseFilter {

    /** The {@code Strict-Transport-Security} value of every answer over HTTPS. */
    public static final String HSTS = "max-age=31536000";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!response.getHeaders().containsKey("Cache-Control")) {
            response.getHeaders().putSingle("Cache-Control", "no-store");
        }
        if ("https".equalsIgnoreCase(request.getUriInfo().getRequestUri().getScheme())) {
            response.getHeaders().putSingle("Strict-Transport-Security", HSTS);
        }
    }
}
