package org.mailforge.domain.user;

/** The change would leave the server without an enabled administrator. */
public final class LastAdministratorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LastAdministratorException(String username) {
        super("'" + username + "' is the last enabled administrator; make another user an administrator first");
    }
}
