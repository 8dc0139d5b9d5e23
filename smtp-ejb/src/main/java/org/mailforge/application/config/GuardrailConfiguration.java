package org.mailforge.application.config;

import java.time.Duration;
import org.mailforge.smtp.settings.GuardrailSetting;
import org.mailforge.smtp.settings.SettingsReader;

/**
 * Outbound guardrails, as a mail host needs them against a compromised account: sending limits
 * per account and per sender domain, a suppression list of recipients that refused for good,
 * and holding an account whose mail bounces too much. Limits of 0 are off. Counted in the
 * database, so they hold across every node.
 *
 * @param messagesPerHour       {@code SMTP_SEND_LIMIT_PER_HOUR}: messages an authenticated account may send in a clock hour
 * @param messagesPerDay        {@code SMTP_SEND_LIMIT_PER_DAY}: in the last 24 clock hours
 * @param domainMessagesPerHour {@code SMTP_SEND_DOMAIN_LIMIT_PER_HOUR}: all accounts of one sender domain together, per hour
 * @param domainMessagesPerDay  {@code SMTP_SEND_DOMAIN_LIMIT_PER_DAY}: the same, per 24 hours
 * @param maxRecipients         {@code SMTP_SEND_MAX_RECIPIENTS}: recipients of one message from an authenticated account
 * @param suppression           {@code SMTP_SUPPRESSION_DAYS}: how long a recipient that answered "user unknown" is not tried again
 * @param holdAfterBounces      {@code SMTP_HOLD_AFTER_BOUNCES}: hard bounces of an account's mail in a clock hour that hold it
 */
public record GuardrailConfiguration(int messagesPerHour, int messagesPerDay, int domainMessagesPerHour, int domainMessagesPerDay,
                                     int maxRecipients, Duration suppression, int holdAfterBounces) {

    /** Nothing limited: what the unit tests of other parts run with. */
    public static GuardrailConfiguration off() {
        return new GuardrailConfiguration(0, 0, 0, 0, 0, Duration.ZERO, 0);
    }

    static GuardrailConfiguration load(SettingsReader in) {
        return new GuardrailConfiguration(
                in.integer(GuardrailSetting.SEND_LIMIT_PER_HOUR),
                in.integer(GuardrailSetting.SEND_LIMIT_PER_DAY),
                in.integer(GuardrailSetting.SEND_DOMAIN_LIMIT_PER_HOUR),
                in.integer(GuardrailSetting.SEND_DOMAIN_LIMIT_PER_DAY),
                in.integer(GuardrailSetting.SEND_MAX_RECIPIENTS),
                Duration.ofDays(in.number(GuardrailSetting.SUPPRESSION_DAYS)),
                in.integer(GuardrailSetting.HOLD_AFTER_BOUNCES));
    }
}
