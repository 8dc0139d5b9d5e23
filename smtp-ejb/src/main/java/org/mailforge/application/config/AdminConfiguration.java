package org.mailforge.application.config;

import org.mailforge.smtp.settings.OperationsSetting;
import org.mailforge.smtp.settings.SettingsReader;

/**
 * The administrator's side: the API's ports, the log level and the administrator made at first
 * start (the catalogue's {@link OperationsSetting} area, with {@link OperationsConfiguration}).
 *
 * @param apiHttpsPort {@code SMTP_API_HTTPS_PORT}: 0 when the API has no HTTPS port
 * @param password     {@code SMTP_ADMIN_PASSWORD}, or null (one is generated at first start)
 * @param email        {@code SMTP_ADMIN_EMAIL}, or the user name at {@code SMTP_HOSTNAME}
 */
public record AdminConfiguration(int healthPort, int metricsPort, int apiHttpsPort, LogLevel logLevel, String username,
        String password, String email) {

    /**
     * The spec's log levels. Liberty applies them (server.xml includes {@code logging-<level>.xml});
     * the application checks the word with the rest of its settings at start.
     */
    public enum LogLevel {
        DEBUG, INFO, WARN, ERROR
    }

    static AdminConfiguration load(SettingsReader in, String hostname) {
        String username = in.text(OperationsSetting.ADMIN_USERNAME);
        AdminConfiguration config = new AdminConfiguration(
                in.integer(OperationsSetting.HEALTH_PORT),
                in.integer(OperationsSetting.METRICS_PORT),
                in.integer(OperationsSetting.API_HTTPS_PORT),
                LogLevel.valueOf(in.word(OperationsSetting.LOG_LEVEL).toUpperCase(java.util.Locale.ROOT)),
                username,
                in.text(OperationsSetting.ADMIN_PASSWORD),
                in.text(OperationsSetting.ADMIN_EMAIL, username + "@" + hostname));
        in.require(config.healthPort() != config.metricsPort(),
                "SMTP_HEALTH_PORT and SMTP_METRICS_PORT must differ (both " + config.healthPort() + ")");
        in.require(username.matches("[a-z0-9][a-z0-9._-]{0,63}"),
                "SMTP_ADMIN_USERNAME must be 1-64 characters of a-z, 0-9, '.', '_' or '-'");
        in.require(config.password() == null || config.password().length() >= 8,
                "SMTP_ADMIN_PASSWORD must have at least 8 characters");
        return config;
    }

    /** The password stays out of logs. */
    @Override
    public String toString() {
        return "AdminConfiguration[api " + healthPort + (apiHttpsPort > 0 ? ", https " + apiHttpsPort : "") + ", metrics "
                + metricsPort + ", log " + logLevel + ", administrator " + username + "]";
    }
}
