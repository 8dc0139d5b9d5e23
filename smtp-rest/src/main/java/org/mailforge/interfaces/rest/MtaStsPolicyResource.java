package org.mailforge.interfaces.rest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailforge.application.directory.MtaStsPublication;

/**
 * {@code GET /.well-known/mta-sts.txt}: no authentication; the MTA-STS policy of the local domain
 * whose {@code mta-sts.} host name the request carries (RFC 8461 3.3), for a proxy on port 443 that
 * holds that name's certificate.
 */
@Path("/.well-known/mta-sts.txt")
@Tag(name = "monitoring")
@RequestScoped
public class MtaStsPolicyResource {

    @Inject
    MtaStsPublication publication;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "MTA-STS policy", description = "No authentication. The policy of the local domain named by Host: mta-sts.<domain>.")
    @APIResponse(responseCode = "200", description = "The policy", content = @Content(mediaType = "text/plain"))
    @APIResponse(responseCode = "404", description = "Host is not mta-sts. of a local domain")
    @APIResponse(responseCode = "429", description = "Rate limit exceeded (Retry-After)")
    public Response policy(@HeaderParam("Host") String host) {
        return publication.policyFor(host).map(text -> Response.ok(text, MediaType.TEXT_PLAIN_TYPE))
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN_TYPE))
                .header("Cache-Control", "max-age=3600").build();
    }
}
