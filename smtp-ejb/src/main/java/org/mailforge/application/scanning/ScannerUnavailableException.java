package org.mailforge.application.scanning;

import java.io.IOException;

/** The scanner did not answer in time, refused, or said something that is not a verdict. */
public class ScannerUnavailableException extends IOException {

    public ScannerUnavailableException(String message) {
        super(message);
    }

    public ScannerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
