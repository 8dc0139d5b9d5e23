package org.mailforge.smtp.settings;

/**
 * Mail authentication, forwarding and addresses: what received mail is checked for, what this server publishes, and how addresses are rewritten.
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum TrustSetting implements Setting {

    DMARC_POLICY(Spec.of("SMTP_DMARC_POLICY", "report", Rule.oneOf("enforce", "report", "off"),
            "Checks of received mail: `report` records SPF, DKIM and DMARC in `Authentication-Results:`; " +
            "`enforce` also refuses DMARC failures of `p=reject` domains (`550 5.7.1`) and files `p=quarantine` " +
            "failures in Junk; `off` checks nothing")),
    LOCAL_SPOOF_POLICY(Spec.of("SMTP_LOCAL_SPOOF_POLICY", "reject", Rule.oneOf("reject", "report"),
            "Unauthenticated mail whose `From:` names a local domain and carries no valid DKIM signature of that " +
            "domain: `reject` (`550 5.7.1`), or `report` (taken and logged, for set-ups where another server " +
            "sends the domain's mail through this one unsigned). Applies whatever `SMTP_DMARC_POLICY` says")),
    AUTHSERV_IDS(Spec.of("SMTP_AUTHSERV_IDS", "", Rule.ANY,
            "Further authserv-ids that are ours (comma-separated; `SMTP_HOSTNAME` always is): a received " +
            "`Authentication-Results:` naming one is removed. In a cluster, every node's name")),
    MAX_FORWARDS(Spec.of("SMTP_MAX_FORWARDS", "50", Rule.range(1, 1000),
            "(1-1000) Outside addresses one received message may be forwarded to through aliases and catch-alls, " +
            "all its recipients together: an alias beyond it is refused at RCPT, a message beyond it after its " +
            "data (`550 5.7.1`)")),
    MTA_STS_MODE(Spec.of("SMTP_MTA_STS_MODE", "testing", Rule.oneOf("testing", "enforce", "none"),
            "Mode of the MTA-STS policy this server publishes for its own domains (`testing`, `enforce`, `none`)")),
    REJECT_UNKNOWN_RECIPIENTS(Spec.of("SMTP_REJECT_UNKNOWN_RECIPIENTS", "true", Rule.BOOLEAN,
            "Refuse RCPT for local addresses no user has (`550 5.1.1`); `false` takes every address of a local " +
            "domain into a mailbox of that name (the test servers and the benchmark do)")),
    RECIPIENT_DELIMITER(Spec.of("SMTP_RECIPIENT_DELIMITER", "+", Rule.TEXT,
            "`bob+tag@` reaches `bob@`; one character, or `none`")),
    SRS_SECRET(Spec.of("SMTP_SRS_SECRET", null, Rule.ANY,
            "Key of the SRS hashes of forwarded mail's senders (16+ characters, the same on every node); unset, " +
            "bounces to mail forwarded before a restart are refused").shown("random per start").asSecret()),
    SRS_DOMAIN(Spec.of("SMTP_SRS_DOMAIN", null, Rule.ANY,
            "Local domain of SRS-rewritten senders; the same on every node, so any node takes their bounces").shown("`SMTP_HOSTNAME`"));

    private final Spec spec;

    TrustSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
