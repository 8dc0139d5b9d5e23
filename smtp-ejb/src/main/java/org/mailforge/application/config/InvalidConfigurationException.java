package org.mailforge.application.config;

import java.util.List;

/** Start-up refused: the message lists each variable that needs fixing. */
public final class InvalidConfigurationException extends RuntimeException {

    public InvalidConfigurationException(List<String> problems) {
        super("Invalid configuration: " + String.join("; ", problems));
    }
}
