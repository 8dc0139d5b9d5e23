package org.mailforge.interfaces.rest.aliases;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailforge.application.users.UserService;
import org.mailforge.application.directory.DirectoryService;
import org.mailforge.domain.directory.Alias;
import org.mailforge.interfaces.rest.AdminApplication;
import org.mailforge.interfaces.rest.Confirmation;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.rest.errors.ApiError;

/**
 * {@code /api/aliases}: addresses that reach local users and/or outside addresses ({@code *@domain}:
 * the domain's catch-all). Administrators manage them; a user lists the aliases that reach it.
 */
@Path("/api/aliases")
@Tag(name = "aliases")
@SecurityRequirement(name = AdminApplication.BASIC_AUTH)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AliasesResource {

    private static final String ERROR = "application/json";

    @Inject
    DirectoryService directory;

    @Inject
    UserService users;

    @Context
    SecurityContext security;

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.USER})
    @Operation(summary = "List aliases", description = "Administrators: every alias. A user: the aliases that deliver to its mailbox.")
    @APIResponse(responseCode = "200", description = "The aliases", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AliasView[].class)))
    public List<AliasView> list() {
        List<Alias> aliases = security.isUserInRole(Roles.ADMIN) ? directory.aliases()
                : users.find(security.getUserPrincipal().getName()).map(u -> directory.aliasesReaching(u.getEmail())).orElse(List.of());
        return aliases.stream().map(AliasView::of).toList();
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an alias", description = "{\"address\": \"sales@example.org\", \"targets\": [\"bob@example.org\", \"partner@elsewhere.example\"]}. "
            + "Mail to it reaches every target (outside ones with an SRS envelope sender); *@domain catches what no user or alias of the domain takes.")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AliasView.class)))
    @APIResponse(responseCode = "400", description = "Invalid address or targets", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "The alias exists, or a user has the address", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    public Response create(AliasView.Request request) {
        if (request == null) {
            throw new BadRequestException("a JSON body with address and targets is required");
        }
        Alias alias = directory.saveAlias(request.address, request.targets, true);
        return Response.created(URI.create("/api/aliases/" + alias.getAddress())).entity(AliasView.of(alias)).build();
    }

    @GET
    @Path("{address}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Read an alias")
    @APIResponse(responseCode = "200", description = "The alias", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AliasView.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such alias", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    public AliasView read(@PathParam("address") String address) {
        return directory.alias(address).map(AliasView::of).orElseThrow(() -> new NotFoundException("no such alias"));
    }

    @PUT
    @Path("{address}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace an alias's targets", description = "{\"targets\": [...]}")
    @APIResponse(responseCode = "200", description = "The alias", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AliasView.class)))
    @APIResponse(responseCode = "400", description = "Invalid targets", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such alias", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    public AliasView replace(@PathParam("address") String address, AliasView.Request request) {
        if (request == null) {
            throw new BadRequestException("a JSON body with targets is required");
        }
        Alias alias = directory.saveAlias(address, request.targets, false);
        if (alias == null) {
            throw new NotFoundException("no such alias");
        }
        return AliasView.of(alias);
    }

    @DELETE
    @Path("{address}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete an alias")
    @APIResponse(responseCode = "200", description = "Deleted", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such alias", content = @Content(mediaType = ERROR, schema = @Schema(implementation = ApiError.class)))
    public Confirmation delete(@PathParam("address") String address) {
        if (!directory.removeAlias(address)) {
            throw new NotFoundException("no such alias");
        }
        return new Confirmation(true, "alias " + address + " deleted");
    }
}
