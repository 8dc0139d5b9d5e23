package org.mailforge.interfaces.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/** Every API response names the API version (spec: Versioning). */
@Provider
public class ApiVersionFilter implements ContainerResponseFilter {

    public static final String HEADER = "X-API-Version";
    public static final String VERSION = "1.0";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle(HEADER, VERSION);
    }
}
