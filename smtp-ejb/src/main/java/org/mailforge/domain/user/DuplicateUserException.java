package org.mailforge.domain.user;

/** The username or email address is already taken. */
public class DuplicateUserException extends RuntimeException {

    private final String field;

    public DuplicateUserException(String field) {
        super(field + " already exists");
        this.field = field;
    }

    public String field() {
        return field;
    }
}
