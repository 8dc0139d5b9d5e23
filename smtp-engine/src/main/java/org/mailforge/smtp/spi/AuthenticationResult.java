package org.mailforge.smtp.spi;

import java.io.Serializable;

/**
 * The verdict on one set of credentials.
 *
 * @param status what happened
 * @param user   the canonical user name on success (what the Received: header and policies use)
 */
public record AuthenticationResult(Status status, String user) implements Serializable {

    public enum Status {
        /** Credentials are valid and the account may send. */
        SUCCESS,
        /** Wrong user name or password, or a disabled account: 535. */
        FAILURE,
        /** The verdict could not be reached now (store down, too busy): 454, the client may retry. */
        TEMPORARY_FAILURE
    }

    public static AuthenticationResult success(String user) {
        return new AuthenticationResult(Status.SUCCESS, user);
    }

    public static AuthenticationResult failure() {
        return new AuthenticationResult(Status.FAILURE, null);
    }

    public static AuthenticationResult temporaryFailure() {
        return new AuthenticationResult(Status.TEMPORARY_FAILURE, null);
    }
}
