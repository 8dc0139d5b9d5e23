package org.mailforge.interfaces.rest.certificates;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.mailforge.application.certificates.CertificateRenewal;
import org.mailforge.interfaces.rest.AdminApplication;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.rest.errors.ApiError;

/** The server's certificate: where it comes from, what it covers, and ACME's state; a renewal on request. */
@Path("/api/certificates")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "certificates")
@SecurityRequirement(name = AdminApplication.BASIC_AUTH)
public class CertificatesResource {

    @Inject
    CertificateRenewal renewal;

    /** {@code GET /api/certificates}. */
    @JsonbPropertyOrder({"source", "names", "subject", "issuer", "notBefore", "notAfter", "renewAfter", "wantedNames", "lastAttempt",
            "lastError", "failures", "nextAttempt", "leftOut"})
    public record CertificateView(
            @Schema(description = "files (SMTP_TLS_CERT), acme (SMTP_ACME_DIRECTORY) or none") String source,
            @Schema(description = "The DNS names the certificate in use carries") List<String> names,
            String subject, String issuer,
            @JsonbProperty("not_before") Instant notBefore,
            @JsonbProperty("not_after") Instant notAfter,
            @JsonbProperty("renew_after") @Schema(description = "ACME: when a third of its lifetime is left") Instant renewAfter,
            @JsonbProperty("wanted_names") @Schema(description = "ACME: the names the next order asks for") List<String> wantedNames,
            @JsonbProperty("last_attempt") Instant lastAttempt,
            @JsonbProperty("last_error") String lastError,
            @Schema(description = "ACME: failed orders since the last success") int failures,
            @JsonbProperty("next_attempt") Instant nextAttempt,
            @JsonbProperty("left_out") @Schema(description = "ACME: names whose challenge failed, left out until the time given")
            Map<String, Instant> leftOut) {

        static CertificateView of(CertificateRenewal.Status status) {
            return new CertificateView(status.source(), status.names(), status.subject(), status.issuer(), status.notBefore(),
                    status.notAfter(), status.renewAfter(), status.wantedNames(), status.lastAttempt(), status.lastError(),
                    status.failures(), status.nextAttempt(), status.leftOut());
        }
    }

    @GET
    @Operation(summary = "The server's certificate", description = "Where it comes from (PEM files or ACME), its names and"
            + " validity; with ACME, when it is renewed and how the last order went.")
    @APIResponse(responseCode = "200", description = "The certificate", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CertificateView.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ApiError.class)))
    public CertificateView certificate() {
        return CertificateView.of(renewal.status());
    }

    @POST
    @Path("renew")
    @Operation(summary = "Renew now", description = "ACME only: an order starts at once (on whichever node gets the lease);"
            + " listeners and HTTPS take the new certificate without a restart, open sessions keep theirs. One request at a time.")
    @APIResponse(responseCode = "202", description = "Asked for", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = CertificateView.class)))
    @APIResponse(responseCode = "409", description = "The certificate does not come from ACME, or a renewal is under way", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ApiError.class)))
    public Response renew() {
        try {
            return Response.accepted(CertificateView.of(renewal.requestRenewal())).build();
        } catch (CertificateRenewal.RenewalRefused e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
    }
}
