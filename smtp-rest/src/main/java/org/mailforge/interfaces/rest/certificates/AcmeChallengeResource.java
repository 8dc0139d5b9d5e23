package org.mailforge.interfaces.rest.certificates;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.mailforge.application.certificates.CertificateRenewal;

/**
 * {@code GET /.well-known/acme-challenge/<token>}: no authentication; the key authorization of an
 * HTTP-01 challenge this server's ACME order has in progress (RFC 8555 8.3), on whichever node
 * the authority reaches. Anything else is 404.
 */
@Path("/.well-known/acme-challenge/{token}")
@Tag(name = "certificates")
@RequestScoped
public class AcmeChallengeResource {

    @Inject
    CertificateRenewal renewal;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "ACME HTTP-01 challenge", description = "No authentication. Answers the authority while an order is in progress.")
    @APIResponse(responseCode = "200", description = "The key authorization", content = @Content(mediaType = "text/plain"))
    @APIResponse(responseCode = "404", description = "No such challenge in progress")
    @APIResponse(responseCode = "429", description = "Rate limit exceeded (Retry-After)")
    public Response challenge(@PathParam("token") String token) {
        return renewal.challengeAnswer(token).map(answer -> Response.ok(answer, MediaType.TEXT_PLAIN_TYPE))
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN_TYPE)).build();
    }
}
