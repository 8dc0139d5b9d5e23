package org.mailforge.smtp.settings;

/**
 * Content scanning: spam and virus scanners asked after the data, before the reply.
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum ScanningSetting implements Setting {

    ENABLE_SPAMASSASSIN(Spec.of("SMTP_ENABLE_SPAMASSASSIN", "false", Rule.BOOLEAN,
            "Spam check with spamd (SPAMC/1.5) after DATA/BDAT, before the reply")),
    SPAMASSASSIN_HOST(Spec.of("SMTP_SPAMASSASSIN_HOST", "127.0.0.1", Rule.TEXT,
            "spamd's address")),
    SPAMASSASSIN_PORT(Spec.of("SMTP_SPAMASSASSIN_PORT", "783", Rule.PORT,
            "spamd's port")),
    ENABLE_CLAMAV(Spec.of("SMTP_ENABLE_CLAMAV", "false", Rule.BOOLEAN,
            "Virus scan with clamd (INSTREAM); a virus gets `554 5.7.1` and is never stored")),
    CLAMAV_HOST(Spec.of("SMTP_CLAMAV_HOST", "127.0.0.1", Rule.TEXT,
            "clamd's address")),
    CLAMAV_PORT(Spec.of("SMTP_CLAMAV_PORT", "3310", Rule.PORT,
            "clamd's port")),
    RSPAMD_URL(Spec.of("SMTP_RSPAMD_URL", null, Rule.ANY,
            "rspamd's normal worker, `http://host:port` (e.g. `http://127.0.0.1:11333`): rspamd checks spam " +
            "instead of spamd, and its action decides ([docs/scanning.md](scanning.md#rspamd)); not together with" +
            " `SMTP_ENABLE_SPAMASSASSIN`")),
    RSPAMD_CONTROLLER_URL(Spec.of("SMTP_RSPAMD_CONTROLLER_URL", null, Rule.ANY,
            "rspamd's controller, for learning from users' reports").shown("the worker's host on port 11334")),
    RSPAMD_PASSWORD(Spec.of("SMTP_RSPAMD_PASSWORD", null, Rule.ANY,
            "The controller's password").asSecret()),
    SPAM_ACTION(Spec.of("SMTP_SPAM_ACTION", "tag", Rule.oneOf("tag", "reject", "quarantine"),
            "`tag`: add `X-Spam-Flag`, `X-Spam-Score`, `X-Spam-Status` and store; `reject`: `550 5.7.1`; " +
            "`quarantine`: tag and store in the Junk folder")),
    SCANNER_FAIL_OPEN(Spec.of("SMTP_SCANNER_FAIL_OPEN", "false", Rule.BOOLEAN,
            "A daemon that is down or too slow defers mail with `451 4.7.1`; `true` stores it unscanned (with an " +
            "`X-Mailforge-Scan` header)")),
    SCAN_MAX_SIZE(Spec.of("SMTP_SCAN_MAX_SIZE", "10485760", Rule.range(1, Long.MAX_VALUE),
            "Larger messages are stored unscanned, with an `X-Mailforge-Scan: skipped` header")),
    SCANNER_TIMEOUT_SECONDS(Spec.of("SMTP_SCANNER_TIMEOUT_SECONDS", "30", Rule.range(1, 600),
            "Read timeout towards each daemon (connect: 2 s)")),
    SCANNER_MAX_CONNECTIONS(Spec.of("SMTP_SCANNER_MAX_CONNECTIONS", "10", Rule.range(1, 1000),
            "Connections to each daemon at once; a session waits up to 5 s for one, then counts the daemon as " +
            "unavailable"));

    private final Spec spec;

    ScanningSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
