package org.mailforge.interfaces.rest.dovecot;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.mailforge.application.users.AuthenticationService;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.interfaces.rest.ApiGate;
import org.mailforge.interfaces.rest.errors.ApiError;

/**
 * Dovecot's authentication policy server (its {@code auth_policy_server_url}): Dovecot asks here
 * before it checks an IMAP password ({@code command=allow}) and reports the outcome after
 * ({@code command=report}), so IMAP logins spend and respect the same failure budgets as SMTP
 * AUTH, the API and the web UI: per client address and per account, a unit of each taken before
 * the password is checked and given back when it was right. Dovecot proves itself with
 * the shared secret of SMTP_DOVECOT_POLICY_SECRET in {@code X-Mailforge-Policy}; without that
 * setting the endpoint does not exist (404).
 */
@Path("/api/dovecot/policy")
@RequestScoped
@PermitAll
@Tag(name = "dovecot")
public class DovecotPolicyResource {

    /** Dovecot's answers: 0 lets the login go on, a negative status refuses it with the message. */
    private static final int ALLOW = 0;
    private static final int REFUSE = -1;
    /** Dovecot's questions are a few hundred octets; nothing larger is read. */
    private static final int MAX_BODY = 8192;

    @Inject
    ServerConfiguration configuration;

    @Inject
    AuthenticationService authentication;

    @Inject
    ApiGate gate;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dovecot's auth policy", description = "command=allow before an IMAP password is checked, command=report after;"
            + " needs SMTP_DOVECOT_POLICY_SECRET in X-Mailforge-Policy")
    @APIResponse(responseCode = "200", description = "status 0 to go on, -1 (with msg) to refuse the login",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PolicyAnswer.class)))
    @APIResponse(responseCode = "400", description = "No JSON body", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "401", description = "Wrong Basic credentials sent along", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "403", description = "Wrong or missing X-Mailforge-Policy", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "SMTP_DOVECOT_POLICY_SECRET is not set", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "429", description = "Rate limit exceeded (Retry-After), for callers without the secret", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ApiError.class)))
    public Response ask(@QueryParam("command") String command, @HeaderParam("X-Mailforge-Policy") String secret,
                        java.io.InputStream body) throws java.io.IOException {
        String expected = configuration.operations().dovecotPolicySecret();
        if (expected == null) {
            throw new NotFoundException("the Dovecot policy endpoint is off (SMTP_DOVECOT_POLICY_SECRET)");
        }
        if (secret == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), secret.strip().getBytes(StandardCharsets.UTF_8))) {
            return ApiError.response(Response.Status.FORBIDDEN, "wrong or missing X-Mailforge-Policy");
        }
        // read only once the secret is right, and only this much: Dovecot's questions are a few hundred octets
        byte[] octets = body == null ? new byte[0] : body.readNBytes(MAX_BODY + 1);
        JsonObject request;
        try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(new java.io.ByteArrayInputStream(octets))) {
            request = octets.length > MAX_BODY ? null : reader.readObject();
        } catch (RuntimeException e) {
            request = null;
        }
        if (request == null) {
            return ApiError.response(Response.Status.BAD_REQUEST, "a JSON object of at most " + MAX_BODY + " octets with login and remote");
        }
        String login = text(request, "login");
        InetAddress remote = ApiGate.literal(text(request, "remote"));
        if ("report".equals(command)) {
            // allow took a unit from each budget before the password was checked: a right password gives them back;
            // a login the policy refused was never tried, and a wrong one has paid already
            if (request.get("success") == JsonValue.TRUE) {
                authentication.succeededElsewhere(login);
                if (remote != null) {
                    gate.loginSucceededElsewhere(remote);
                }
            }
            return answer(ALLOW, "");
        }
        // taken now, not looked at: IMAP logins checked at once cannot all pass a look at what is left
        if (remote != null && !gate.takeLoginElsewhere(remote)) {
            return answer(REFUSE, "Too many failed logins from your address; try again later.");
        }
        if (!authentication.takeElsewhere(login)) {
            if (remote != null) {
                gate.loginSucceededElsewhere(remote); // the account refused it unchecked: not the address's guess
            }
            return answer(REFUSE, "Too many failed logins for this account; try again later.");
        }
        return answer(ALLOW, "");
    }

    /** Dovecot's answer format: {@code status} 0 goes on, below 0 refuses with {@code msg}. */
    public record PolicyAnswer(int status, String msg) {
    }

    private static String text(JsonObject request, String name) {
        JsonValue value = request.get(name);
        return value instanceof jakarta.json.JsonString string ? string.getString() : "";
    }

    private static Response answer(int status, String message) {
        return Response.ok(new PolicyAnswer(status, message)).build();
    }
}
