package org.mailforge.smtp.ra;

import org.mailforge.smtp.spi.ListenerSetting;

/**
 * The three SMTP listeners a mail host runs, each on its own port with its own policy (RFC 6409,
 * RFC 8314). The name is the {@code listener} label of the SMTP metrics.
 */
enum ListenerKind {

    /** Port 25: MX, or submission when SMTP_ENABLE_AUTH says so (the seed's single listener). */
    SMTP("smtp", ListenerSetting.PORT, false),
    /** Port 587: AUTH before MAIL, and AUTH only inside TLS when TLS is configured. */
    SUBMISSION("submission", ListenerSetting.SUBMISSION_PORT, false),
    /** Port 465: as submission, with the TLS handshake before the greeting. */
    SUBMISSIONS("submissions", ListenerSetting.SUBMISSIONS_PORT, true);

    private final String label;
    private final ListenerSetting port;
    private final boolean implicitTls;

    ListenerKind(String label, ListenerSetting port, boolean implicitTls) {
        this.label = label;
        this.port = port;
        this.implicitTls = implicitTls;
    }

    String label() {
        return label;
    }

    /** The setting that holds this listener's port. */
    ListenerSetting portSetting() {
        return port;
    }

    boolean implicitTls() {
        return implicitTls;
    }

    /** Whether this is a submission listener: AUTH always required, never in plaintext beside TLS. */
    boolean submission() {
        return this != SMTP;
    }
}
