package org.mailforge.smtp.protocol;

import org.mailforge.smtp.spi.Reply;

/** The replies the engine gives in more than one place. */
public final class Replies {

    public static final Reply OK = Reply.of(250, "2.0.0", "Ok");
    public static final Reply SENDER_OK = Reply.of(250, "2.1.0", "Ok");
    public static final Reply RECIPIENT_OK = Reply.of(250, "2.1.5", "Ok");
    public static final Reply BYE = Reply.of(221, "2.0.0", "Bye");

    public static final Reply UNRECOGNIZED = Reply.of(500, "5.5.2", "Error: command not recognized");
    public static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.2", "Error: line too long");
    public static final Reply NOT_IMPLEMENTED = Reply.of(502, "5.5.1", "Error: command not implemented");
    public static final Reply NEED_HELO = Reply.of(503, "5.5.1", "Error: send HELO/EHLO first");
    public static final Reply NEED_MAIL = Reply.of(503, "5.5.1", "Error: need MAIL command");
    public static final Reply NEED_RCPT = Reply.of(503, "5.5.1", "Error: need RCPT command");
    public static final Reply NESTED_MAIL = Reply.of(503, "5.5.1", "Error: nested MAIL command");

    /** RFC 5321 4.1.1.1: a domain or an address literal; nothing else reaches our Received: header. */
    public static final Reply BAD_HELO_NAME = Reply.of(501, "5.5.4", "Syntax: HELO/EHLO needs a domain name or an address literal");
    public static final Reply CONTROL_CHARACTERS = Reply.of(501, "5.5.4", "Error: control characters are not allowed in commands");

    public static final Reply TOO_MANY_ERRORS = Reply.of(421, "4.7.0", "Error: too many errors, closing connection");
    public static final Reply LOCAL_ERROR = Reply.of(451, "4.3.0", "Error: local error in processing, try again later");

    private Replies() {
    }

    public static Reply syntax(String usage) {
        return Reply.of(501, "5.5.4", "Syntax: " + usage);
    }

    /** A rate limit was hit: the session ends (as Postfix's anvil limits do). */
    public static Reply rateLimited(String hostname, String what) {
        return Reply.of(421, "4.7.0", hostname + " Error: " + what + ", try again later");
    }

    public static Reply timeout(String hostname) {
        return Reply.of(421, "4.4.2", hostname + " Error: timeout exceeded");
    }

    public static Reply sessionTimeLimit(String hostname) {
        return Reply.of(421, "4.4.2", hostname + " Error: session time limit exceeded");
    }

    public static Reply tooBig(long limit) {
        return Reply.of(552, "5.3.4", "Error: message size exceeds fixed limit of " + limit + " octets");
    }
}
