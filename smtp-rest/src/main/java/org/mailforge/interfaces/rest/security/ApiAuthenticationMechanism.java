package org.mailforge.interfaces.rest.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;

import org.mailforge.interfaces.rest.ApiGate;

/**
 * HTTP Basic authentication for the admin API (RFC 7617), with the API's JSON error body on 401
 * rather than the container's page. Every request first passes the {@link ApiGate}.
 */
@ApplicationScoped
public class ApiAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final String CHALLENGE = "Basic realm=\"mailforge\", charset=\"UTF-8\"";

    @Inject
    IdentityStoreHandler identityStores;

    @Inject
    ApiGate gate;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        try {
            if (!gate.admit(request, response)) {
                return AuthenticationStatus.SEND_FAILURE;
            }
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                UsernamePasswordCredential credential = decode(authorization.substring(6).strip());
                CredentialValidationResult result = credential == null ? CredentialValidationResult.INVALID_RESULT
                        : identityStores.validate(credential);
                if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                    return context.notifyContainerAboutLogin(result);
                }
                return unauthorized(response, "wrong user name or password");
            }
            if (context.isProtected() || context.isAuthenticationRequest()) {
                return unauthorized(response, "authentication required (HTTP Basic)");
            }
            return context.doNothing();
        } catch (IOException e) {
            return AuthenticationStatus.SEND_FAILURE;
        }
    }

    private AuthenticationStatus unauthorized(HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", CHALLENGE);
        gate.error(response, Response.Status.UNAUTHORIZED, message);
        return AuthenticationStatus.SEND_FAILURE;
    }

    /** {@code user:password} in base64 (UTF-8), or null when it is not that. */
    private static UsernamePasswordCredential decode(String token) {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = pair.indexOf(':');
        return colon <= 0 ? null : new UsernamePasswordCredential(pair.substring(0, colon), pair.substring(colon + 1));
    }
}
