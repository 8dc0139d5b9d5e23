package org.mailforge.application.config;

import java.util.Arrays;
import java.util.List;

import org.mailforge.smtp.settings.ListenerSetting;
import org.mailforge.smtp.settings.SettingsReader;

/**
 * The SMTP listeners' settings the application needs too (the adapter reads the same variables
 * through its activation spec): the catalogue's {@link ListenerSetting} area.
 *
 * @param hostname     {@code SMTP_HOSTNAME}: the greeting, EHLO, {@code Received:}, the authserv-id; always a local domain
 * @param localDomains {@code SMTP_LOCAL_DOMAINS}, without blanks
 * @param tlsCert      {@code SMTP_TLS_CERT}, or null
 * @param tlsKey       {@code SMTP_TLS_KEY}, or null
 * @param authEnabled  {@code SMTP_ENABLE_AUTH}: MAIL needs AUTH on the SMTP port
 */
public record ListenerConfiguration(String host, int port, int maxConnections, long maxMessageSize, int maxRecipients,
        int timeoutSeconds, String hostname, List<String> localDomains, boolean tlsEnabled, String tlsCert, String tlsKey,
        boolean authEnabled) {

    public ListenerConfiguration {
        localDomains = List.copyOf(localDomains);
    }

    static ListenerConfiguration load(SettingsReader in) {
        return new ListenerConfiguration(
                in.text(ListenerSetting.HOST),
                in.integer(ListenerSetting.PORT),
                in.integer(ListenerSetting.MAX_CONNECTIONS),
                in.number(ListenerSetting.MAX_MESSAGE_SIZE),
                in.integer(ListenerSetting.MAX_RECIPIENTS),
                in.integer(ListenerSetting.TIMEOUT_SECONDS),
                in.text(ListenerSetting.HOSTNAME),
                Arrays.stream(in.text(ListenerSetting.LOCAL_DOMAINS).split(",")).map(String::strip).filter(d -> !d.isEmpty()).toList(),
                in.bool(ListenerSetting.TLS_ENABLED),
                blankAsNull(in.text(ListenerSetting.TLS_CERTIFICATE)),
                blankAsNull(in.text(ListenerSetting.TLS_KEY)),
                in.bool(ListenerSetting.AUTH_REQUIRED));
    }

    /**
     * The domains mail is delivered to here, in A-label form, for {@code Domains.isLocal} (the same
     * rule the SMTP listener applies at RCPT). Computed on each call: callers keep it.
     */
    public java.util.Set<String> localDomainSet() {
        return org.mailforge.smtp.spi.Domains.localSet(hostname, localDomains);
    }

    private static String blankAsNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
