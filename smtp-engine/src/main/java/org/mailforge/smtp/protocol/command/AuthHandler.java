package org.mailforge.smtp.protocol.command;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.LineTooLongException;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.spi.AuthenticationResult;
import org.mailforge.smtp.spi.Reply;

/**
 * AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms. The credentials are checked by
 * the listener; the password never leaves this method as a String and is wiped afterwards.
 */
public final class AuthHandler implements CommandHandler {

    private static final Logger LOG = Logger.getLogger(AuthHandler.class.getName());

    static final Reply SUCCESS = Reply.of(235, "2.7.0", "Authentication successful");
    static final Reply FAILED = Reply.of(535, "5.7.8", "Error: authentication failed");
    static final Reply TEMPORARY = Reply.of(454, "4.7.0", "Temporary authentication failure, try again later");
    static final Reply CANCELLED = Reply.of(501, "5.0.0", "Authentication cancelled");
    static final Reply MALFORMED = Reply.of(501, "5.5.2", "Error: malformed base64 or credentials");
    private static final Reply TOO_MANY_FAILURES = Reply.of(421, "4.7.0", "Error: too many authentication failures");
    /** The exact prompts the specification shows: base64 of "Username:" and "Password:". */
    private static final Reply USERNAME_PROMPT = new Reply(334, null, java.util.List.of("VXNlcm5hbWU6"));
    private static final Reply PASSWORD_PROMPT = new Reply(334, null, java.util.List.of("UGFzc3dvcmQ6"));
    private static final Reply EMPTY_CHALLENGE = new Reply(334, null, java.util.List.of(""));

    /** Thrown inside the exchange when the client cancels or sends something undecodable. */
    private static final class Abort extends Exception {
        final transient Reply reply;

        Abort(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        if (!session.isExtended()) {
            session.reply(Reply.of(503, "5.5.1", "Error: send EHLO first"));
            return;
        }
        if (!session.authAllowed()) {
            session.reply(session.tlsPending()
                    ? Reply.of(454, "4.7.0", "TLS is not available yet (its certificate is on the way): try again later")
                    : Reply.of(538, "5.7.11", "Encryption required for requested authentication mechanism"));
            return;
        }
        if (session.authenticatedUser() != null) {
            session.reply(Reply.of(503, "5.5.1", "Error: already authenticated"));
            return;
        }
        if (session.transaction() != null) {
            session.reply(Reply.of(503, "5.5.1", "Error: MAIL transaction in progress"));
            return;
        }
        if (session.client().budget().authBlocked()) {
            session.reply(Replies.rateLimited(session.settings().hostname(),
                    "too many failed authentications from " + session.client().address()));
            return;
        }
        String[] words = argument.split(" ", -1);
        if (argument.isEmpty() || words.length > 2) {
            session.reply(Replies.syntax("AUTH mechanism [initial-response]"));
            return;
        }
        String initial = words.length == 2 ? words[1] : null;
        byte[][] credentials = null;
        try {
            credentials = switch (words[0].toUpperCase(Locale.ROOT)) {
                case "PLAIN" -> plain(session, initial);
                case "LOGIN" -> login(session, initial);
                default -> throw new Abort(Reply.of(504, "5.5.4", "Error: unrecognized authentication type"));
            };
            verify(session, credentials[0], credentials[1]);
        } catch (Abort abort) {
            session.reply(abort.reply);
        } finally {
            if (credentials != null) {
                Arrays.fill(credentials[1], (byte) 0);
            }
        }
    }

    /** PLAIN: one response {@code [authzid] NUL authcid NUL passwd}. */
    private static byte[][] plain(SmtpSession session, String initial) throws IOException, Abort {
        byte[] message = initial != null ? decode(initial) : decode(challenge(session, EMPTY_CHALLENGE));
        try {
            int first = indexOf(message, 0);
            int second = first < 0 ? -1 : indexOf(message, first + 1);
            if (first < 0 || second < 0 || indexOf(message, second + 1) >= 0) {
                throw new Abort(MALFORMED);
            }
            byte[] authzid = Arrays.copyOfRange(message, 0, first);
            byte[] authcid = Arrays.copyOfRange(message, first + 1, second);
            if (authzid.length > 0 && !Arrays.equals(authzid, authcid)) {
                // acting as another user is not supported
                throw new Abort(FAILED);
            }
            return new byte[][] {authcid, Arrays.copyOfRange(message, second + 1, message.length)};
        } finally {
            Arrays.fill(message, (byte) 0);
        }
    }

    /** LOGIN: user name then password, each prompted for (an initial response may carry the name). */
    private static byte[][] login(SmtpSession session, String initial) throws IOException, Abort {
        byte[] username = initial != null ? decode(initial) : decode(challenge(session, USERNAME_PROMPT));
        byte[] password = decode(challenge(session, PASSWORD_PROMPT));
        return new byte[][] {username, password};
    }

    private static String challenge(SmtpSession session, Reply prompt) throws IOException, Abort {
        session.reply(prompt);
        String response;
        try {
            response = session.input().readLine(SmtpSettings.MAX_AUTH_LINE);
        } catch (LineTooLongException e) {
            throw new Abort(Replies.LINE_TOO_LONG);
        }
        if (response == null) {
            throw new java.io.EOFException("connection closed during AUTH");
        }
        if (response.equals("*")) {
            throw new Abort(CANCELLED);
        }
        return response;
    }

    private static byte[] decode(String base64) throws Abort {
        if (base64.equals("=")) {
            return new byte[0]; // RFC 4954: "=" is an empty initial response
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new Abort(MALFORMED);
        }
    }

    private static void verify(SmtpSession session, byte[] username, byte[] password) throws IOException, Abort {
        String user = utf8(username).toString();
        CharBuffer secret = utf8(password);
        char[] chars = new char[secret.remaining()];
        secret.get(chars);
        Arrays.fill(secret.array(), '\0');
        AuthenticationResult result;
        if (!session.client().budget().tryAuth()) {
            // spent before the check: sessions guessing at once cannot all pass a look at what is left
            Arrays.fill(chars, '\0');
            session.reply(Replies.rateLimited(session.settings().hostname(),
                    "too many failed authentications from " + session.client().address()));
            return;
        }
        try {
            result = session.listener().authenticate(user, chars);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session " + session.id() + ": authentication check failed", e);
            result = AuthenticationResult.temporaryFailure();
        } finally {
            Arrays.fill(chars, '\0');
        }
        switch (result.status()) {
            case SUCCESS -> {
                session.client().budget().authSucceeded();
                session.authenticated(result.user());
                session.reply(SUCCESS);
            }
            // a blocked account's or a busy gate's answer stays counted: a guess it was all the same
            case TEMPORARY_FAILURE -> session.reply(TEMPORARY);
            default -> {
                session.reply(FAILED);
                if (session.authenticationFailed() >= SmtpSettings.MAX_AUTH_FAILURES) {
                    session.reply(TOO_MANY_FAILURES);
                }
            }
        }
    }

    private static CharBuffer utf8(byte[] bytes) throws Abort {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new Abort(MALFORMED);
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
