package org.mailforge.interfaces.ui;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.mailforge.application.users.AuthenticationService;
import org.mailforge.domain.user.User;
import org.mailforge.interfaces.rest.ApiGate;
import org.mailforge.interfaces.rest.errors.ApiError;

/**
 * {@code /ui/session}: signing in to the web UI with a form (the same login, password check and
 * failure budgets as the API's HTTP Basic), reading who is signed in with the session's CSRF
 * token, and signing out. The UI's pages then call the API with the session cookie. Not part of
 * the documented API (hidden from OpenAPI): its only client is the UI itself.
 */
@Path("/ui/session")
@RequestScoped
@PermitAll
public class UiSessionResource {

    /** Where sign-in failures are shown; the reason in {@code ?error=}. */
    static final String SIGN_IN_PAGE = "/ui/signin.html";
    private static final int MAX_LOGIN = 320;
    private static final int MAX_PASSWORD = 1024;

    @Inject
    AuthenticationService authentication;

    @Inject
    org.mailforge.application.users.UserService users;

    @Inject
    UiSessions sessions;

    @Inject
    ApiGate gate;

    @Context
    HttpServletRequest request;

    /** Who is signed in, as the UI's scripts read it. */
    public record Session(String username, String email, boolean admin, @JsonbProperty("csrf_token") String csrfToken) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response signIn(@FormParam("login") String login, @FormParam("password") String password) throws IOException {
        if (!UiSessions.sameOrigin(request)) {
            return ApiError.response(Response.Status.FORBIDDEN, "sign-in must come from this server's own sign-in page");
        }
        if (sessions.httpsInstead(request).isPresent()) {
            return back("https");
        }
        if (gate.loginBlockedSeconds(request) > 0) {
            return back("blocked");
        }
        if (login == null || password == null || login.length() > MAX_LOGIN || password.length() > MAX_PASSWORD) {
            gate.loginFailed(request);
            return back("credentials");
        }
        AuthenticationService.Outcome outcome = authentication.authenticate(login, password.toCharArray(), gate.loginBudget(request));
        switch (outcome.verdict()) {
            case SUCCESS -> {
                sessions.signIn(request, outcome.user());
                return Response.seeOther(URI.create("/ui/")).build();
            }
            case BLOCKED -> {
                return back("blocked");
            }
            case BUSY -> {
                return back("busy");
            }
            default -> {
                return back("credentials"); // its address's unit was spent before the password was hashed
            }
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response current() {
        Optional<UiSessions.SignedIn> signedIn = sessions.current(request);
        Optional<User> user = signedIn.flatMap(session -> users.find(session.username()).filter(User::isEnabled)
                .filter(session::isStill));
        if (user.isEmpty()) {
            sessions.signOut(request);
            return ApiError.response(Response.Status.UNAUTHORIZED, "not signed in");
        }
        return Response.ok(new Session(user.get().getUsername(), user.get().getEmail(), user.get().isAdmin(),
                signedIn.get().csrfToken())).header("Cache-Control", "no-store").build();
    }

    @DELETE
    @Operation(hidden = true)
    public Response signOut() {
        Optional<UiSessions.SignedIn> signedIn = sessions.current(request);
        if (signedIn.isPresent() && !UiSessions.mayChange(request, signedIn.get())) {
            return ApiError.response(Response.Status.FORBIDDEN, "missing or wrong " + UiSessions.CSRF_HEADER);
        }
        sessions.signOut(request);
        return Response.noContent().build();
    }

    private static Response back(String error) {
        return Response.seeOther(URI.create(SIGN_IN_PAGE + "?error=" + error)).build();
    }
}
