package org.mailforge.application.config;

/**
 * {@code SMTP_DMARC_POLICY}: what this server does with a message that fails DMARC.
 * {@link #ENFORCE} follows the sending domain's policy (reject: 550 5.7.1; quarantine: Junk);
 * {@link #REPORT} only records the results in the message; {@link #OFF} checks nothing.
 */
public enum DmarcEnforcement {
    ENFORCE, REPORT, OFF
}
