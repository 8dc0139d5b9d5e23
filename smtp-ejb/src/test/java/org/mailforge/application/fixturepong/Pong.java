package org.mailforge.application.fixturepong;

/** The other half of the cycle, which also reads the adapter's glue (a test fixture, never deployed). */
public final class Pong {
    public org.mailforge.application.fixtureping.Ping answer() {
        return new org.mailforge.application.fixtureping.Ping();
    }

    public Object glue() {
        return org.mailforge.smtp.ra.SmtpActivationSpec.class;
    }
}
