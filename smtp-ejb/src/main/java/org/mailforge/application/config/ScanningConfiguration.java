package org.mailforge.application.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

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

    static ScanningConfiguration load(ConfigReader in) {
        boolean spamAssassin = in.bool("SMTP_ENABLE_SPAMASSASSIN", false);
        java.net.URI rspamd = url(in, "SMTP_RSPAMD_URL", null);
        java.net.URI controller = url(in, "SMTP_RSPAMD_CONTROLLER_URL",
                rspamd == null ? null : "http://" + rspamd.getRawAuthority().replaceFirst(":[0-9]+$", "") + ":11334");
        in.require(!(spamAssassin && rspamd != null),
                "SMTP_ENABLE_SPAMASSASSIN and SMTP_RSPAMD_URL both name a spam scanner: choose one");
        return new ScanningConfiguration(
                spamAssassin,
                in.string("SMTP_SPAMASSASSIN_HOST", "127.0.0.1"),
                in.port("SMTP_SPAMASSASSIN_PORT", 783),
                in.bool("SMTP_ENABLE_CLAMAV", false),
                in.string("SMTP_CLAMAV_HOST", "127.0.0.1"),
                in.port("SMTP_CLAMAV_PORT", 3310),
                SpamAction.valueOf(in.choice("SMTP_SPAM_ACTION", "tag", List.of("tag", "reject", "quarantine"))
                        .toUpperCase(Locale.ROOT)),
                in.bool("SMTP_SCANNER_FAIL_OPEN", false),
                in.number("SMTP_SCAN_MAX_SIZE", 10_485_760L, 1, Long.MAX_VALUE),
                Duration.ofSeconds(in.number("SMTP_SCANNER_TIMEOUT_SECONDS", 30, 1, 600)),
                (int) in.number("SMTP_SCANNER_MAX_CONNECTIONS", 10, 1, 1000),
                rspamd, controller, in.string("SMTP_RSPAMD_PASSWORD", null));
    }

    /** An http://host:port URL (rspamd speaks plain HTTP, on the same machine or a trusted network). */
    private static java.net.URI url(ConfigReader in, String name, String defaultValue) {
        String value = in.string(name, defaultValue);
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
        in.require(false, name + " must be http://host:port (was '" + value + "')");
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
