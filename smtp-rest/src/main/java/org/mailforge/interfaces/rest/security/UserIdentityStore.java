package org.mailforge.interfaces.rest.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;

import org.mailforge.application.AuthenticationService;
import org.mailforge.interfaces.rest.Roles;

/** Checks API credentials against the same users and rules as SMTP AUTH. */
@ApplicationScoped
public class UserIdentityStore implements IdentityStore {

    @Inject
    AuthenticationService authentication;

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (!(credential instanceof UsernamePasswordCredential login)) {
            return CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        AuthenticationService.Outcome outcome = authentication.authenticate(login.getCaller(), login.getPassword().getValue());
        if (outcome.verdict() != AuthenticationService.Verdict.SUCCESS) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        Set<String> groups = outcome.user().isAdmin() ? Set.of(Roles.ADMIN, Roles.USER) : Set.of(Roles.USER);
        return new CredentialValidationResult(outcome.user().getUsername(), groups);
    }
}
