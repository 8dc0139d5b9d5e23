package org.mailforge.application.fixtureping;

/** Half of a cycle between two use cases, which ArchitectureTest must refuse (a test fixture, never deployed). */
public final class Ping {
    public org.mailforge.application.fixturepong.Pong answer() {
        return new org.mailforge.application.fixturepong.Pong();
    }
}
