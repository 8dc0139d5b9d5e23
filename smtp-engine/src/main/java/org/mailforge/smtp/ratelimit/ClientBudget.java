package org.mailforge.smtp.ratelimit;

/**
 * What one client address may still do, shared by all of its sessions. Each {@code try} method
 * spends one unit of its budget and answers whether there was one left.
 */
public interface ClientBudget {

    /** The budget of an exempt client: everything is allowed. */
    ClientBudget UNLIMITED = new ClientBudget() {
        @Override
        public boolean tryConnection() {
            return true;
        }

        @Override
        public boolean tryCommand() {
            return true;
        }

        @Override
        public boolean tryMessage() {
            return true;
        }

        @Override
        public boolean authBlocked() {
            return false;
        }

        @Override
        public void authFailed() {
            // not counted
        }

        @Override
        public boolean tryAuth() {
            return true;
        }

        @Override
        public void authSucceeded() {
            // not counted
        }
    };

    boolean tryConnection();

    boolean tryCommand();

    /** Spent at MAIL FROM: a message attempt, accepted or not in the end. */
    boolean tryMessage();

    /** Whether this address has used up its failed authentications for now. */
    boolean authBlocked();

    void authFailed();

    /**
     * Spends one failed authentication up front, before the password is checked (so that
     * concurrent guesses cannot all pass a look at what is left); false when none is left.
     * {@link #authSucceeded()} gives it back when the login turns out right.
     */
    boolean tryAuth();

    /** The login checked after {@link #tryAuth()} was right: its unit comes back. */
    void authSucceeded();
}
