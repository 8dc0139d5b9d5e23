package org.mailforge.interfaces.rest.guardrails;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.mailforge.application.outbound.OutboundQueueService;
import org.mailforge.interfaces.rest.AdminApplication;
import org.mailforge.interfaces.rest.Confirmation;
import org.mailforge.interfaces.rest.QueryParameters;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.rest.errors.ApiError;

/**
 * The outbound guardrails an administrator looks after: the suppression list (recipients that
 * refused for good, not tried again for SMTP_SUPPRESSION_DAYS) and accounts held for bouncing.
 */
@Path("/api")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Tag(name = "queue")
@SecurityRequirement(name = AdminApplication.BASIC_AUTH)
public class GuardrailsResource {

    @Inject
    OutboundQueueService queue;

    @Context
    SecurityContext security;

    /** A suppressed recipient. */
    @JsonbPropertyOrder({"address", "reason", "createdAt", "expiresAt"})
    public record SuppressionView(String address, String reason, @JsonbProperty("created_at") Instant createdAt,
                                  @JsonbProperty("expires_at") Instant expiresAt) {
    }

    /** {@code GET /api/suppressions}. */
    @JsonbPropertyOrder({"suppressions", "total", "offset", "limit"})
    public record SuppressionPage(List<SuppressionView> suppressions, long total, int offset, int limit) {
    }

    /** An account held for bouncing. */
    @JsonbPropertyOrder({"account", "since", "reason"})
    public record HeldAccountView(String account, Instant since, String reason) {
    }

    /** {@code GET /api/held-accounts}. */
    public record HeldAccountPage(@JsonbProperty("held_accounts") List<HeldAccountView> heldAccounts) {
    }

    @GET
    @Path("suppressions")
    @Operation(summary = "Suppressed recipients", description = "Recipients that answered user unknown: not tried again until"
            + " the suppression ends (SMTP_SUPPRESSION_DAYS); their senders get the bounce at once. Newest first.")
    @APIResponse(responseCode = "200", description = "A page of suppressions", content = @Content(mediaType = "application/json", schema = @Schema(implementation = SuppressionPage.class)))
    @APIResponse(responseCode = "400", description = "Bad offset or limit", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public SuppressionPage suppressions(@QueryParam("offset") String offsetParam, @QueryParam("limit") String limitParam) {
        int offset = QueryParameters.offset(offsetParam);
        int limit = QueryParameters.limit(limitParam);
        return new SuppressionPage(queue.suppressions(offset, limit).stream()
                .map(s -> new SuppressionView(s.address(), s.reason(), s.createdAt(), s.expiresAt())).toList(),
                queue.countSuppressions(), offset, limit);
    }

    @DELETE
    @Path("suppressions/{address}")
    @Operation(summary = "Lift a suppression", description = "The address is tried again.")
    @APIResponse(responseCode = "200", description = "Lifted", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "404", description = "Not suppressed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Confirmation unsuppress(@PathParam("address") String address) {
        String text = QueryParameters.text("address", address, 320);
        if (text == null || !queue.unsuppress(text, security.getUserPrincipal().getName())) {
            throw new NotFoundException(address + " is not suppressed");
        }
        return new Confirmation(true, "Suppression lifted");
    }

    @GET
    @Path("held-accounts")
    @Operation(summary = "Accounts held for bouncing", description = "An account whose mail had SMTP_HOLD_AFTER_BOUNCES hard"
            + " bounces in an hour sends nothing, and its queued mail waits, until an administrator releases it.")
    @APIResponse(responseCode = "200", description = "The held accounts", content = @Content(mediaType = "application/json", schema = @Schema(implementation = HeldAccountPage.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public HeldAccountPage heldAccounts() {
        return new HeldAccountPage(queue.heldAccounts().stream().map(h -> new HeldAccountView(h.account(), h.since(), h.reason())).toList());
    }

    @DELETE
    @Path("held-accounts/{account}")
    @Operation(summary = "Release a held account", description = "It may send again; its held mail is tried at once.")
    @APIResponse(responseCode = "200", description = "Released", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "404", description = "Not held", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Confirmation release(@PathParam("account") String account) {
        String text = QueryParameters.text("account", account, 320);
        if (text == null || !queue.releaseAccount(text, security.getUserPrincipal().getName())) {
            throw new NotFoundException(account + " is not held");
        }
        return new Confirmation(true, "Account released");
    }
}
