package org.mailforge.application.users;

/**
 * Password hashes as the specification stores them (Argon2id in PHC form); infrastructure
 * implements it, with a bound on how many hashes run at once.
 */
public interface PasswordHashing {

    /** Thrown when too many hashes are waiting: try again later (SMTP 454, API 503). */
    final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Busy() {
            super("too many password hashes in progress; try again later");
        }
    }

    /** A new hash with a fresh salt. */
    String hash(char[] password);

    /** Whether the password matches the stored hash, in constant time. */
    boolean verify(char[] password, String phc);

    /** Costs what a {@link #verify} costs, for a login that has no account. */
    void verifyDummy(char[] password);
}
