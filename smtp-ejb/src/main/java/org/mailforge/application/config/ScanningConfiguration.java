package org.mailforge.application.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.mailforge.smtp.settings.ScanningSetting;
import org.mailforge.smtp.settings.SettingsReader;

/**
 * Content scanning: spamd (SpamAssassin) and clamd (ClamAV), what happens to spam, and what
 * happens when a daemon does not answer.
 *
 * @param spamAssassinEnabled scan with spamd
 * @param spamAssassinHost    spamd's host
 * @param spamAssassinPort    spamd's port
 * @param clamAvEnabled       scan with clamd
 * @param clamAvHost          clamd's host
 * @param clamAvPort          clamd's port
 * @param spamAction          what to do with spam
 * @param failOpen            accept mail unscanned when a daemon is down (otherwise 451 4.7.1)
 * @param maxScanSize         messages above this many octets are not scanned (and say so in a header)
 * @param timeout             per-read timeout towards a daemon
 * @param maxConnections      connections to each daemon at once
 * @param rspamd              rspamd's normal worker ({@code SMTP_RSPAMD_URL}), or null: then spamd, if enabled, checks spam
 * @param rspamdController    rspamd's controller, for learning ({@code SMTP_RSPAMD_CONTROLLER_URL}; default the
 *                            worker's host on port 11334)
 * @param rspamdPassword      the controller's password ({@code SMTP_RSPAMD_PASSWORD}), or null
 */
public record ScanningConfiguration(
        boolean spamAssassinEnabled,
        String spamAssassinHost,
        int spamAssassinPort,
        boolean clamAvEnabled,
        String clamAvHost,
        int clamAvPort,
        SpamAction spamAction,
        boolean failOpen,
        long maxScanSize,
        Duration timeout,
        int maxConnections,
        java.net.URI rspamd,
        java.net.URI rspamdController,
        String rspamdPassword) {

    /** SMTP_SPAM_ACTION. */
    public enum SpamAction {
        /** Add X-Spam-Flag, X-Spam-Score and X-Spam-Status and deliver. */
        TAG,
        /** 550 5.7.1 after DATA: the sender learns, nothing is stored. */
        REJECT,
        /** Tag and deliver into the recipient's Junk folder. */
        QUARANTINE
    }

    static ScanningConfiguration load(SettingsReader in) {
        boolean spamAssassin = in.bool(ScanningSetting.ENABLE_SPAMASSASSIN);
        java.net.URI rspamd = url(in, ScanningSetting.RSPAMD_URL, null);
        java.net.URI controller = url(in, ScanningSetting.RSPAMD_CONTROLLER_URL,
                rspamd == null ? null : "http://" + rspamd.getRawAuthority().replaceFirst(":[0-9]+$", "") + ":11334");
        in.require(!(spamAssassin && rspamd != null),
                "SMTP_ENABLE_SPAMASSASSIN and SMTP_RSPAMD_URL both name a spam scanner: choose one");
        return new ScanningConfiguration(
                spamAssassin,
                in.text(ScanningSetting.SPAMASSASSIN_HOST),
                in.integer(ScanningSetting.SPAMASSASSIN_PORT),
                in.bool(ScanningSetting.ENABLE_CLAMAV),
                in.text(ScanningSetting.CLAMAV_HOST),
                in.integer(ScanningSetting.CLAMAV_PORT),
                SpamAction.valueOf(in.word(ScanningSetting.SPAM_ACTION)
                        .toUpperCase(Locale.ROOT)),
                in.bool(ScanningSetting.SCANNER_FAIL_OPEN),
                in.number(ScanningSetting.SCAN_MAX_SIZE),
                Duration.ofSeconds(in.number(ScanningSetting.SCANNER_TIMEOUT_SECONDS)),
                in.integer(ScanningSetting.SCANNER_MAX_CONNECTIONS),
                rspamd, controller, in.text(ScanningSetting.RSPAMD_PASSWORD));
    }

    /** An http://host:port URL (rspamd speaks plain HTTP, on the same machine or a trusted network). */
    private static java.net.URI url(SettingsReader in, ScanningSetting setting, String defaultValue) {
        String value = in.text(setting, defaultValue);
        if (value == null) {
            return null;
        }
        try {
            java.net.URI url = new java.net.URI(value);
            if ("http".equals(url.getScheme()) && url.getHost() != null && (url.getPath() == null || url.getPath().isEmpty()
                    || url.getPath().equals("/")) && url.getQuery() == null && url.getUserInfo() == null) {
                return url;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        in.require(false, setting.variable() + " must be http://host:port (was '" + value + "')");
        return null;
    }

    /** Whether a spam scanner (spamd or rspamd) checks received mail. */
    public boolean spamScanning() {
        return spamAssassinEnabled || rspamd != null;
    }

    public boolean anyEnabled() {
        return spamScanning() || clamAvEnabled;
    }
}
