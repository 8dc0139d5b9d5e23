package org.mailforge.interfaces.rest.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;

import org.mailforge.application.users.AuthenticationService;
import org.mailforge.domain.user.User;
import org.mailforge.interfaces.rest.ApiGate;
import org.mailforge.interfaces.rest.Roles;
import org.mailforge.interfaces.ui.UiSessions;

/**
 * HTTP Basic authentication for the admin API (RFC 7617), with the API's JSON error body on 401
 * rather than the container's page; without an Authorization header, the web UI's session
 * ({@link UiSessions}), whose changes must carry its CSRF token. Every request first passes the {@link ApiGate}; a login is
 * checked by the same service as SMTP AUTH, under the same budgets: too many failures from the
 * address or against the account give 429 before any hashing, a full hashing gate 503.
 */
@ApplicationScoped
public class ApiAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final String CHALLENGE = "Basic realm=\"mailforge\", charset=\"UTF-8\"";
    private static final String CHECKED = ApiAuthenticationMechanism.class.getName() + ".outcome";
    /** Set on a request authenticated with its password (HTTP Basic) in this very request, never by a session. */
    public static final String BY_PASSWORD = ApiAuthenticationMechanism.class.getName() + ".byPassword";
    private static final AuthenticationService.Outcome MALFORMED =
            new AuthenticationService.Outcome(AuthenticationService.Verdict.FAILURE, null, false, 0);

    @Inject
    AuthenticationService authentication;

    @Inject
    ApiGate gate;

    @Inject
    UiSessions sessions;

    @Inject
    org.mailforge.application.users.UserService users;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        try {
            // Dovecot asks twice per IMAP login: with the policy secret it is not one client among many
            if (!gate.isDovecot(request) && !gate.admit(request, response)) {
                return AuthenticationStatus.SEND_FAILURE;
            }
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                // the container may ask more than once per request: the login is checked, and a
                // failure counted, once
                if (gate.plaintextCredentials(request)) {
                    gate.error(response, Response.Status.FORBIDDEN, "HTTP Basic over plain HTTP is refused when the API has HTTPS:"
                            + " use https:// on port " + gate.httpsPort() + " (and change the password that was just sent)");
                    return AuthenticationStatus.SEND_FAILURE;
                }
                boolean first = !(request.getAttribute(CHECKED) instanceof AuthenticationService.Outcome);
                if (first && !gate.admitLogin(request, response)) {
                    return AuthenticationStatus.SEND_FAILURE;
                }
                AuthenticationService.Outcome outcome = first ? check(authorization.substring(6).strip(), request)
                        : (AuthenticationService.Outcome) request.getAttribute(CHECKED);
                request.setAttribute(CHECKED, outcome);
                if (outcome.verdict() == AuthenticationService.Verdict.SUCCESS) {
                    request.setAttribute(BY_PASSWORD, Boolean.TRUE);
                    return context.notifyContainerAboutLogin(outcome.user().getUsername(), groups(outcome.user()));
                }
                if (outcome.verdict() == AuthenticationService.Verdict.BLOCKED) {
                    gate.tooManyFailures(response, outcome.retryAfterSeconds());
                    return AuthenticationStatus.SEND_FAILURE;
                }
                if (outcome.verdict() == AuthenticationService.Verdict.BUSY) {
                    response.setHeader("Retry-After", "5");
                    gate.error(response, Response.Status.SERVICE_UNAVAILABLE, "too many logins in progress; try again later");
                    return AuthenticationStatus.SEND_FAILURE;
                }
                if (first && outcome == MALFORMED) {
                    gate.loginFailed(request); // a checked password spent its address's unit before hashing
                }
                return unauthorized(request, response, "wrong user name or password");
            }
            String path = request.getRequestURI().substring(request.getContextPath().length());
            var signedIn = path.startsWith("/ui/") ? java.util.Optional.<UiSessions.SignedIn>empty() : sessions.current(request);
            if (signedIn.isPresent()) {
                return session(request, response, context, signedIn.get());
            }
            if (context.isProtected() || context.isAuthenticationRequest()) {
                return unauthorized(request, response, "authentication required (HTTP Basic)");
            }
            return context.doNothing();
        } catch (IOException e) {
            return AuthenticationStatus.SEND_FAILURE;
        }
    }

    /**
     * A request of the web UI: the session's user as it is now (deleted, disabled, a changed
     * password or role, or a new account of the same name ends the session), a change only with
     * the CSRF token.
     */
    private AuthenticationStatus session(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context,
                                         UiSessions.SignedIn signedIn) throws IOException {
        if (response.isCommitted()) {
            return AuthenticationStatus.SEND_FAILURE; // refused when the container asked before
        }
        if (!UiSessions.mayChange(request, signedIn)) {
            gate.error(response, Response.Status.FORBIDDEN, "missing or wrong " + UiSessions.CSRF_HEADER);
            return AuthenticationStatus.SEND_FAILURE;
        }
        java.util.Optional<User> user = users.find(signedIn.username()).filter(User::isEnabled);
        if (user.isEmpty()) {
            sessions.signOut(request);
            return unauthorized(request, response, "the session's user no longer exists or is disabled");
        }
        if (!signedIn.isStill(user.get())) {
            sessions.signOut(request); // a stolen session must not outlive the victim's new password
            return unauthorized(request, response, "the session's account changed (password or role); sign in again");
        }
        return context.notifyContainerAboutLogin(user.get().getUsername(), groups(user.get()));
    }

    private static Set<String> groups(User user) {
        return user.isAdmin() ? Set.of(Roles.ADMIN, Roles.USER) : Set.of(Roles.USER);
    }

    /**
     * 401 with the Basic challenge, except to the web UI's scripts (they send the CSRF header on
     * every call): a browser answers a challenge with its own password dialog.
     */
    private AuthenticationStatus unauthorized(HttpServletRequest request, HttpServletResponse response, String message)
            throws IOException {
        if (request.getHeader(UiSessions.CSRF_HEADER) == null) {
            response.setHeader("WWW-Authenticate", CHALLENGE);
        }
        gate.error(response, Response.Status.UNAUTHORIZED, message);
        return AuthenticationStatus.SEND_FAILURE;
    }

    /** Checks the credentials of a Basic token; a token that is not {@code user:password} fails. */
    private AuthenticationService.Outcome check(String token, HttpServletRequest request) throws IOException {
        String[] credential = decode(token);
        return credential == null ? MALFORMED
                : authentication.authenticate(credential[0], credential[1].toCharArray(), gate.loginBudget(request));
    }

    /** {@code user:password} in base64 (UTF-8) as its two parts, or null when it is not that. */
    private static String[] decode(String token) {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = pair.indexOf(':');
        return colon <= 0 ? null : new String[] {pair.substring(0, colon), pair.substring(colon + 1)};
    }
}
