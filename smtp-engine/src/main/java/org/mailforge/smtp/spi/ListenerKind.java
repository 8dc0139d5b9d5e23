package org.mailforge.smtp.spi;

/**
 * The three SMTP listeners a mail host runs, each on its own port with its own policy (RFC 6409,
 * RFC 8314). The label is the {@code listener} label of the SMTP metrics, which exist for all three
 * from the start (zero for a listener that is off).
 */
public enum ListenerKind {

    /** Port 25: MX, or submission when SMTP_ENABLE_AUTH says so (the seed's single listener). */
    SMTP("smtp", false),
    /** Port 587: AUTH before MAIL, and AUTH only inside TLS when TLS is configured. */
    SUBMISSION("submission", false),
    /** Port 465: as submission, with the TLS handshake before the greeting. */
    SUBMISSIONS("submissions", true);

    private final String label;
    private final boolean implicitTls;

    ListenerKind(String label, boolean implicitTls) {
        this.label = label;
        this.implicitTls = implicitTls;
    }

    public String label() {
        return label;
    }

    public boolean implicitTls() {
        return implicitTls;
    }

    /** Whether this is a submission listener: AUTH always required, never in plaintext beside TLS. */
    public boolean submission() {
        return this != SMTP;
    }
}
