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
    };

    boolean tryConnection();

    boolean tryCommand();

    /** Spent at MAIL FROM: a message attempt, accepted or not in the end. */
    boolean tryMessage();

    /** Whether this address has used up its failed authentications for now. */
    boolean authBlocked();

    void authFailed();
}
