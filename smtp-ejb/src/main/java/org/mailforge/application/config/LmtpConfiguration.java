package org.mailforge.application.config;

import org.mailforge.smtp.settings.SettingsReader;
import org.mailforge.smtp.settings.StorageSetting;

/**
 * Where {@code SMTP_STORAGE_TYPE=lmtp} hands mail over: the LMTP service (RFC 2033) of a local
 * delivery agent such as Dovecot, which then owns the mailboxes.
 *
 * @param host {@code SMTP_LMTP_HOST}, a name or address (default 127.0.0.1)
 * @param port {@code SMTP_LMTP_PORT} (default 24)
 */
public record LmtpConfiguration(String host, int port) {

    static LmtpConfiguration load(SettingsReader in) {
        return new LmtpConfiguration(in.text(StorageSetting.LMTP_HOST), in.integer(StorageSetting.LMTP_PORT));
    }

    @Override
    public String toString() {
        return "lmtp://" + host + ":" + port;
    }
}
