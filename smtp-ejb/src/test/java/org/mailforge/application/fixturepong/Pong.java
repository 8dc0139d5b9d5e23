package org.mailforge.application.fixturepong;

/** The other half of the cycle, which also reads the engine's sessions (a test fixture, never deployed). */
public final class Pong {
    public org.mailforge.application.fixtureping.Ping answer() {
        return new org.mailforge.application.fixtureping.Ping();
    }

    public Object glue() {
        return org.mailforge.smtp.protocol.SmtpSession.class;
    }
}
