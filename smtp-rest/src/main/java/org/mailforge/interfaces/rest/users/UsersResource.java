package org.mailforge.interfaces.rest.users;

import java.net.URI;
import java.util.List;

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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.mailforge.application.users.AuthenticationService;
import org.mailforge.application.users.UserService;
import org.mailforge.application.scanning.ScannerUnavailableException;
import org.mailforge.application.scanning.SpamReports;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserValidation;
import org.mailforge.interfaces.rest.AdminApplication;
import org.mailforge.interfaces.rest.Confirmation;
import org.mailforge.interfaces.rest.QueryParameters;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.rest.errors.ApiError;

/** {@code /api/users}: administrators manage everyone; a user may read and update itself. */
@Path("/api/users")
@Tag(name = "users")
@SecurityRequirement(name = AdminApplication.BASIC_AUTH)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    @Inject
    UserService service;

    @Inject
    org.mailforge.application.mailbox.MailboxSearch mailboxes;

    @Inject
    SpamReports reports;

    @Context
    SecurityContext security;

    @Context
    jakarta.servlet.http.HttpServletRequest http;

    @Inject
    org.mailforge.interfaces.ui.UiSessions uiSessions;

    @Inject
    org.mailforge.application.users.AuthenticationService authentication;

    @Inject
    org.mailforge.interfaces.rest.ApiGate gate;

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "List or search users", description = "Administrators only; newest last. With q, only users whose username or email contains it.")
    @APIResponse(responseCode = "200", description = "A page of users", content = @Content(mediaType = "application/json", schema = @Schema(implementation = UserPage.class)))
    @APIResponse(responseCode = "400", description = "Bad offset, limit or q", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response list(@Parameter(description = "Users to skip, default 0") @QueryParam("offset") String offsetParam,
                         @Parameter(description = "Page size, 1-1000, default 100") @QueryParam("limit") String limitParam,
                         @Parameter(description = "Part of a username or email address") @QueryParam("q") String queryParam) {
        int offset = QueryParameters.offset(offsetParam);
        int limit = QueryParameters.limit(limitParam);
        String search = QueryParameters.text("q", queryParam, 320);
        List<UserView> page = service.list(search, offset, limit).stream().map(UserView::of).toList();
        return Response.ok(new UserPage(page, service.count(search), offset, limit)).build();
    }

    @GET
    @Path("{username}")
    @RolesAllowed({Roles.ADMIN, Roles.USER})
    @Operation(summary = "Get a user with statistics", description = "Administrators: anyone; users: themselves.")
    @APIResponse(responseCode = "200", description = "The user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "403", description = "Another user's account", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public UserView get(@PathParam("username") String username) {
        User user = visible(username);
        return UserView.of(user, new UserView.Statistics(service.messagesReceived(user), user.getMessagesSent(), user.usedMb()));
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a user", description = "The password is hashed with Argon2id and never returned.")
    @APIResponse(responseCode = "201", description = "Created; Location names the user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "Invalid field (named in field)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "Username or email taken", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
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
    @Operation(summary = "Update a user", description = "Users may change their own password; email, quota_mb, enabled and admin need an administrator. The last enabled administrator cannot be demoted or disabled (409).")
    @APIResponse(responseCode = "200", description = "The updated user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = UserView.class)))
    @APIResponse(responseCode = "400", description = "Invalid field", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Not allowed for this caller", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "Email taken or reserved, or the last enabled administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public UserView update(@PathParam("username") String username, UserRequests.Update request) {
        if (request == null) {
            throw new UserValidation.InvalidFieldException("body", "a JSON body is required");
        }
        User user = visible(username);
        if (!isAdmin() && (request.email != null || request.quotaMb != null || request.enabled != null || request.admin != null)) {
            // an address is where mail goes: a user who could pick any free one could take over
            // postmaster@ or an address another user gave up
            throw new ForbiddenException("only an administrator may change email, quota_mb, enabled or admin");
        }
        boolean ownPassword = request.password != null && user.getUsername().equals(security.getUserPrincipal().getName());
        if (ownPassword && !Boolean.TRUE.equals(http.getAttribute(
                org.mailforge.interfaces.rest.security.ApiAuthenticationMechanism.BY_PASSWORD))) {
            requireCurrentPassword(user, request.currentPassword); // a session cookie alone is not the password
        }
        User updated = service.update(user, new UserService.Changes(request.email, request.quotaMb, request.enabled,
                request.admin, request.password == null ? null : request.password.toCharArray()));
        if (ownPassword) {
            uiSessions.renew(http, updated); // the session that changed it goes on; the account's other sessions end
        }
        return UserView.of(updated);
    }

    /**
     * A password changed from a browser session needs the present one: whoever stole the session
     * cookie must not take the account over (and lock its owner out) with it. Checked like a
     * login, under the same budgets.
     */
    private void requireCurrentPassword(User user, String current) {
        if (current == null || current.isEmpty()) {
            throw new UserValidation.InvalidFieldException("current_password",
                    "current_password is required to change your own password from a browser session");
        }
        AuthenticationService.Outcome outcome;
        try {
            outcome = authentication.authenticate(user.getUsername(), current.toCharArray(), gate.loginBudget(http));
        } catch (java.io.IOException e) {
            throw new ForbiddenException("the current password cannot be checked now");
        }
        if (outcome.verdict() != AuthenticationService.Verdict.SUCCESS) {
            throw new ForbiddenException(outcome.verdict() == AuthenticationService.Verdict.FAILURE
                    ? "current_password is wrong" : "the current password cannot be checked now; try again later");
        }
    }

    @DELETE
    @Path("{username}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a user", description = "The user's stored mail is deleted too. The last enabled administrator cannot be deleted (409).")
    @APIResponse(responseCode = "200", description = "Deleted", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Confirmation.class)))
    @APIResponse(responseCode = "403", description = "Not an administrator", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "The last enabled administrator; with LMTP storage, a mailbox not removed from the LMTP server yet", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response delete(@PathParam("username") String username,
                           @Parameter(description = "With SMTP_STORAGE_TYPE=lmtp: the user's mailbox was removed from the LMTP server (Dovecot)")
                           @QueryParam("mailbox_removed") boolean mailboxRemoved) {
        User user = service.find(username).orElseThrow(() -> new NotFoundException("user not found: " + username));
        service.delete(user, mailboxRemoved);
        return Response.ok(new Confirmation(true, "User deleted successfully")).build();
    }

    @GET
    @Path("{username}/messages")
    @RolesAllowed({Roles.ADMIN, Roles.USER})
    @Operation(summary = "List or search a user's messages",
            description = "With q, every word must occur in the subject or text (full-text index). Needs SMTP_STORAGE_TYPE=database.")
    @APIResponse(responseCode = "200", description = "A page of messages, newest first",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = MessagePage.class)))
    @APIResponse(responseCode = "400", description = "Bad offset or limit, or storage other than database", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Another user's mailbox", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public MessagePage messages(@PathParam("username") String username,
                                @Parameter(description = "Words to search for") @QueryParam("q") String query,
                                @Parameter(description = "Messages to skip, default 0") @QueryParam("offset") String offsetParam,
                                @Parameter(description = "Page size, 1-1000, default 100") @QueryParam("limit") String limitParam) {
        int offset = QueryParameters.offset(offsetParam);
        int limit = QueryParameters.limit(limitParam);
        User user = visible(username);
        org.mailforge.domain.mail.MessageIndex.Page page = mailboxes.search(user, query, offset, limit);
        return new MessagePage(page.messages().stream().map(MessageView::of).toList(), page.total(), offset, limit);
    }

    @POST
    @Path("{username}/messages/{id}/spam")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.USER})
    @Operation(summary = "Report a stored message as spam, or as not spam",
            description = "The spam scanner (rspamd) learns the message as spam or ham, then the message moves into Junk or back"
                    + " into the inbox. Needs SMTP_RSPAMD_URL and SMTP_STORAGE_TYPE=database.")
    @APIResponse(responseCode = "200", description = "Learnt and filed",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = SpamReportView.class)))
    @APIResponse(responseCode = "400", description = "No or malformed body", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Another user's mailbox", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "No such user, or no such message in its mailbox", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "409", description = "No scanner that learns, or a store without message ids", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "503", description = "The scanner did not take the report; nothing moved", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public SpamReportView reportSpam(@PathParam("username") String username, @PathParam("id") String idParam,
                                     UserRequests.SpamReport request) throws ScannerUnavailableException {
        User user = visible(username);
        if (request == null || request.spam == null) {
            throw new UserValidation.InvalidFieldException("spam", "spam must be true (this is spam) or false (it is not)");
        }
        long id;
        try {
            id = Long.parseLong(idParam);
        } catch (NumberFormatException e) {
            throw new NotFoundException("no such message: " + idParam);
        }
        SpamReports.Filed filed = reports.report(user.getEmail(), id, request.spam)
                .orElseThrow(() -> new NotFoundException("no such message: " + idParam));
        return new SpamReportView(filed.id(), filed.folder() == org.mailforge.domain.mail.Folder.JUNK ? "Junk" : "INBOX", filed.spam());
    }

    /** What a spam report did. */
    public record SpamReportView(long id, String folder, boolean spam) {
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
