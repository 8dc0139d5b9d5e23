package org.mailforge.smtp.protocol;

import java.io.IOException;

/** A command line exceeded its limit; the rest of the line has been read and discarded. */
public final class LineTooLongException extends IOException {
    public LineTooLongException(int limit) {
        super("line longer than " + limit + " octets");
    }
}
