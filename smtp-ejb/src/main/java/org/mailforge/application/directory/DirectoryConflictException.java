package org.mailforge.application.directory;

/** A change to domains or aliases that would contradict what exists (the API answers 409 naming the field). */
public final class DirectoryConflictException extends RuntimeException {

    private final String field;

    public DirectoryConflictException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
