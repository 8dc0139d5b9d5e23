package org.mailforge.smtp.settings;

/**
 * Sending limits of accounts: limits on what an authenticated account may send.
 * One constant per setting; docs/configuration.md is generated from these.
 */
public enum GuardrailSetting implements Setting {

    SEND_LIMIT_PER_HOUR(Spec.of("SMTP_SEND_LIMIT_PER_HOUR", "500", Rule.range(0, 10_000_000),
            "Messages an authenticated account may send in a clock hour, counted on every node; beyond it `452 " +
            "4.7.1` at RCPT ([docs/message-trace.md](message-trace.md#outbound-guardrails)); `0` = no limit")),
    SEND_LIMIT_PER_DAY(Spec.of("SMTP_SEND_LIMIT_PER_DAY", "2000", Rule.range(0, 100_000_000),
            "The same over the last 24 clock hours")),
    SEND_DOMAIN_LIMIT_PER_HOUR(Spec.of("SMTP_SEND_DOMAIN_LIMIT_PER_HOUR", "0", Rule.range(0, 10_000_000),
            "All accounts sending from one domain together, in a clock hour; `0` = no limit")),
    SEND_DOMAIN_LIMIT_PER_DAY(Spec.of("SMTP_SEND_DOMAIN_LIMIT_PER_DAY", "0", Rule.range(0, 100_000_000),
            "The same over the last 24 clock hours; `0` = no limit")),
    SEND_MAX_RECIPIENTS(Spec.of("SMTP_SEND_MAX_RECIPIENTS", "100", Rule.range(0, 100_000),
            "Recipients of one message from an authenticated account (`452 4.5.3` beyond); `0` = only " +
            "`SMTP_MAX_RECIPIENTS`")),
    SUPPRESSION_DAYS(Spec.of("SMTP_SUPPRESSION_DAYS", "7", Rule.range(0, 3650),
            "A recipient that answered \"user unknown\" (`5.1.1`, `5.1.6`, `5.1.10`) is not tried again for this " +
            "long; its sender gets the bounce at once; `0` = no suppression list")),
    HOLD_AFTER_BOUNCES(Spec.of("SMTP_HOLD_AFTER_BOUNCES", "20", Rule.range(0, 1_000_000),
            "Hard bounces of an account's mail in a clock hour that hold the account (it sends nothing, its " +
            "queued mail waits, webhook `account.held`) until an administrator releases it; `0` = never"));

    private final Spec spec;

    GuardrailSetting(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
