package org.mailforge.interfaces.rest.users;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.mailforge.application.UserService;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.domain.user.UserValidation;
import org.mailforge.interfaces.rest.QueryParameters;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.rest.errors.ApiError;

/** {@code /api/users}: administrators manage everyone; a user may read and update itself. */
@Path("/api/users")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    @Inject
    UserService service;

    @Inject
    UserRepository users;

    @Context
    SecurityContext security;

    @GET
    @RolesAllowed(Roles.ADMIN)
    public Response list(@QueryParam("offset") String offsetParam, @QueryParam("limit") String limitParam) {
        int offset = QueryParameters.offset(offsetParam);
        int limit = QueryParameters.limit(limitParam);
        List<UserView> page = users.list(offset, limit).stream().map(UserView::of).toList();
        return Response.ok(Map.of("users", page, "total", users.count(), "offset", offset, "limit", limit)).build();
    }

    @GET
    @Path("{username}")
    @RolesAllowed({Roles.ADMIN, Roles.USER})
    public UserView get(@PathParam("username") String username) {
        User user = visible(username);
        return UserView.of(user, new UserView.Statistics(service.messagesReceived(user), user.getMessagesSent(), user.usedMb()));
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(UserRequests.Create request) {
        if (request == null) {
            return ApiError.response(Response.Status.BAD_REQUEST, "a JSON body with username, email and password is required");
        }
        if (request.password == null) {
            throw new UserValidation.InvalidFieldException("password", "password is required");
        }
        User user = service.create(request.username, request.email, request.password.toCharArray(), request.quotaMb,
                Boolean.TRUE.equals(request.admin));
        return Response.created(URI.create("/api/users/" + user.getUsername())).entity(UserView.of(user)).build();
    }

    @PUT
    @Path("{username}")
    @RolesAllowed({Roles.ADMIN, Roles.USER})
    @Consumes(MediaType.APPLICATION_JSON)
    public UserView update(@PathParam("username") String username, UserRequests.Update request) {
        if (request == null) {
            throw new UserValidation.InvalidFieldException("body", "a JSON body is required");
        }
        User user = visible(username);
        if (!isAdmin() && (request.quotaMb != null || request.enabled != null || request.admin != null)) {
            throw new ForbiddenException("only an administrator may change quota_mb, enabled or admin");
        }
        return UserView.of(service.update(user, new UserService.Changes(request.email, request.quotaMb, request.enabled,
                request.admin, request.password == null ? null : request.password.toCharArray())));
    }

    @DELETE
    @Path("{username}")
    @RolesAllowed(Roles.ADMIN)
    public Response delete(@PathParam("username") String username) {
        User user = service.find(username).orElseThrow(() -> new NotFoundException("user not found: " + username));
        service.delete(user);
        return Response.ok(Map.of("success", true, "message", "User deleted successfully")).build();
    }

    /** The user, if the caller may see it: administrators see all, users only themselves. */
    private User visible(String username) {
        if (!isAdmin() && !username.equals(security.getUserPrincipal().getName())) {
            throw new ForbiddenException("users may only access their own account");
        }
        return service.find(username).orElseThrow(() -> new NotFoundException("user not found: " + username));
    }

    private boolean isAdmin() {
        return security.isUserInRole(Roles.ADMIN);
    }
}
