package org.mailforge.application.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;

/** The product version, filled in by the build. */
@ApplicationScoped
public class Version {

    private final String number;

    public Version() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/mailforge-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        number = properties.getProperty("version", "unknown");
    }

    public String number() {
        return number;
    }
}
