package org.mailforge.domain.mail;

/**
 * A mailbox that the server a store hands mail to (Dovecot's LMTP) did not take, with that
 * server's reply.
 *
 * @param mailbox the mailbox's address
 * @param code    the reply code ({@code 550}, {@code 452}, ...)
 * @param status  the enhanced status code ({@code 5.1.1}), or null when the server gave none
 * @param text    the reply's text
 */
public record MailboxRefusal(String mailbox, int code, String status, String text) {

    /** Whether the server will refuse it again (5xx) rather than perhaps take it later (4xx). */
    public boolean permanent() {
        return code >= 500;
    }
}
