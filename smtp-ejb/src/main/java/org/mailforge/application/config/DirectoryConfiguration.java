package org.mailforge.application.config;

import org.mailforge.smtp.settings.SettingsReader;
import org.mailforge.smtp.settings.TrustSetting;

/**
 * Settings of address resolution.
 *
 * @param recipientDelimiter {@code SMTP_RECIPIENT_DELIMITER}: {@code bob+lists@} reaches {@code bob@} (default {@code +};
 *                           {@code none} turns it off: then empty)
 * @param srsSecret          {@code SMTP_SRS_SECRET}: the key of the SRS hashes of forwarded mail's senders, the same on
 *                           every node; null: a random one per start (bounces to mail forwarded before a restart are refused)
 * @param srsDomain          {@code SMTP_SRS_DOMAIN}: the local domain of rewritten senders, the same on every node, so any
 *                           node takes their bounces; null: SMTP_HOSTNAME
 * @param rejectUnknownRecipients {@code SMTP_REJECT_UNKNOWN_RECIPIENTS}: RCPT for a local address nobody has is refused
 */
public record DirectoryConfiguration(String recipientDelimiter, String srsSecret, String srsDomain, boolean rejectUnknownRecipients) {

    static DirectoryConfiguration load(SettingsReader in) {
        String delimiter = in.text(TrustSetting.RECIPIENT_DELIMITER);
        if (delimiter.equals("none")) {
            delimiter = "";
        }
        in.require(delimiter.length() <= 1 && !delimiter.equals("@") && !delimiter.equals("."),
                "SMTP_RECIPIENT_DELIMITER must be one character other than @ and . (or none to turn it off)");
        String secret = in.text(TrustSetting.SRS_SECRET);
        in.require(secret == null || secret.length() >= 16, "SMTP_SRS_SECRET must have at least 16 characters");
        return new DirectoryConfiguration(delimiter, secret, in.text(TrustSetting.SRS_DOMAIN), in.bool(TrustSetting.REJECT_UNKNOWN_RECIPIENTS));
    }

    @Override
    public String toString() {
        return "DirectoryConfiguration[recipientDelimiter=" + recipientDelimiter + ", srsSecret=" + (srsSecret == null ? "unset" : "set")
                + ", srsDomain=" + srsDomain + ", rejectUnknownRecipients=" + rejectUnknownRecipients + "]";
    }
}
