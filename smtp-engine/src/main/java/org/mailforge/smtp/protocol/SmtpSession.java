package org.mailforge.smtp.protocol;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SessionFacts;
import org.mailforge.smtp.spi.SessionIds;
import org.mailforge.smtp.spi.SmtpMessageListener;

/**
 * One SMTP conversation with one client: reads commands, dispatches them to their handlers and
 * keeps the state they share. Plain Java over two streams, so it runs the same under the resource
 * adapter and in a unit test.
 */
public final class SmtpSession {

    private static final Logger LOG = Logger.getLogger(SmtpSession.class.getName());
    /** How long a client refused at the greeting may stay silent. */
    private static final long REFUSED_IDLE_MILLIS = 10_000;
    /** Commands a client refused at the greeting may still send before the connection closes. */
    private static final int MAX_COMMANDS_AFTER_REFUSAL = 3;

    private final SmtpSettings settings;
    private final CommandRegistry commands;
    private final SmtpMessageListener listener;
    private final ClientInfo client;
    private final Clock clock;
    private final String id = SessionIds.next();
    private final SmtpTransport transport;
    private SmtpInput input;
    private OutputStream output;
    private final Instant deadline;
    /** The pending read's timeout is the time left before the deadline, not the idle timeout. */
    private boolean readBoundedByDeadline;

    private String heloName;
    private boolean extended;
    private Transaction transaction;
    private int errors;
    private int authFailures;
    private String authenticatedUser;
    private String tlsDescription;
    private boolean closing;
    /** Refused in the greeting: only QUIT is awaited, and not for long. */
    private boolean refused;
    /** MAIL commands that reached a decision: the n-th transaction's id ends in {@code -n}. */
    private int transactions;
    /** Refusals reported for the trace; past {@link #MAX_REPORTED_REFUSALS} a session's refusals are not. */
    private int reported;
    /** Refusals of one session worth a trace: enough to see what a client tried, not a prober's every RCPT. */
    static final int MAX_REPORTED_REFUSALS = 20;

    public SmtpSession(SmtpSettings settings, CommandRegistry commands, SmtpMessageListener listener,
                       ClientInfo client, InputStream in, OutputStream out, Clock clock) throws IOException {
        this(settings, commands, listener, client, SmtpTransport.of(in, out), clock);
    }

    public SmtpSession(SmtpSettings settings, CommandRegistry commands, SmtpMessageListener listener,
                       ClientInfo client, SmtpTransport transport, Clock clock) throws IOException {
        this.settings = settings;
        this.commands = commands;
        this.listener = listener;
        this.client = client;
        this.clock = clock;
        this.transport = transport;
        this.deadline = clock.instant().plus(settings.maxSessionTime());
        this.tlsDescription = transport.tlsDescription(); // implicit TLS: the handshake came first
        attachStreams();
    }

    private void attachStreams() throws IOException {
        // small: an idle session holds it; a longer reply is written through
        this.output = new BufferedOutputStream(transport.output(), 1024);
        this.input = new SmtpInput(transport.input(), this::beforeRead);
    }

    /** Whether this session may offer STARTTLS now. */
    public boolean canStartTls() {
        return transport.tlsAvailable() && tlsDescription == null;
    }

    /**
     * Upgrades the connection to TLS after the 220 was sent: anything the client pipelined behind
     * STARTTLS is discarded (no plaintext injection into the encrypted session), and the session
     * forgets everything it learnt before, as RFC 3207 4.2 requires.
     */
    public void startTls() throws IOException {
        flush();
        input.discardBuffered();
        armReadTimeout(); // the handshake is read under the same limits
        transport.startTls();
        tlsDescription = transport.tlsDescription();
        attachStreams();
        heloName = null;
        extended = false;
        resetTransaction();
        authenticatedUser = null;
    }

    /**
     * Reverses the roles (ATRN, RFC 2645): after the replies queued so far, this server becomes
     * the client on the same connection and reads the other side's replies from here on.
     */
    public org.mailforge.smtp.client.SmtpClient reverse() throws IOException {
        flush();
        return new org.mailforge.smtp.client.SmtpClient(input.remaining(), transport.output());
    }

    /** The negotiated TLS, or null while the session is in plaintext. */
    public String tlsDescription() {
        return tlsDescription;
    }

    /** Whether TLS is configured but cannot start yet: its certificate has not arrived (ACME). */
    public boolean tlsPending() {
        return transport.tlsConfigured() && !transport.tlsAvailable();
    }

    /** AUTH is offered unless TLS is configured, not yet active, and plaintext AUTH is not allowed. */
    public boolean authAllowed() {
        return !transport.tlsConfigured() || tlsDescription != null || settings.plaintextAuthAllowed();
    }

    /** Runs the conversation until QUIT, end of stream, timeout or a fatal error. Never throws. */
    public void run() {
        try {
            Reply refusal = client.screening().refusal();
            if (refusal != null) {
                report(Refusal.Stage.CONNECT, null, null, refusal);
                refusedAtGreeting(refusal);
                return;
            }
            reply(new Reply(220, null, java.util.List.of(settings.hostname() + " ESMTP Mailforge")));
            while (!closing) {
                if (!clock.instant().isBefore(deadline)) {
                    reply(Replies.sessionTimeLimit(settings.hostname()));
                    break;
                }
                String line;
                try {
                    line = input.readLine(SmtpSettings.MAX_COMMAND_LINE);
                } catch (LineTooLongException e) {
                    reply(Replies.LINE_TOO_LONG);
                    continue;
                }
                if (line == null) {
                    break;
                }
                dispatch(line);
            }
            flush();
        } catch (SessionTimeLimitException e) {
            replyQuietly(Replies.sessionTimeLimit(settings.hostname()));
        } catch (SocketTimeoutException e) {
            // a read that was cut short by the deadline rather than by the idle timeout says so; the
            // socket may time out a millisecond before the session's clock reaches the deadline
            replyQuietly(readBoundedByDeadline || !clock.instant().isBefore(deadline)
                    ? Replies.sessionTimeLimit(settings.hostname()) : Replies.timeout(settings.hostname()));
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.FINE, "session " + id + " ended: " + e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "session " + id + " failed", e);
            replyQuietly(Replies.LOCAL_ERROR);
        } finally {
            resetTransaction();
        }
    }

    /**
     * RFC 5321 3.1: a client refused in the greeting ({@code 554}) may still say QUIT, and hears
     * {@code 503} to anything else; a few commands, then the connection closes, since a refused
     * client has nothing to gain from staying.
     */
    private void refusedAtGreeting(Reply refusal) throws IOException {
        refused = true; // each wait for its words is short: a refused client holds no slot for long
        reply(refusal);
        for (int commands = 0; commands < MAX_COMMANDS_AFTER_REFUSAL && !closing; commands++) {
            String line;
            try {
                line = input.readLine(SmtpSettings.MAX_COMMAND_LINE);
            } catch (LineTooLongException e) {
                line = "";
            }
            if (line == null) {
                break;
            }
            if (line.strip().equalsIgnoreCase("QUIT")) {
                reply(Replies.BYE);
                break;
            }
            reply(Reply.of(503, "5.5.1", "Error: this connection was refused, send QUIT"));
        }
        flush();
    }

    private void dispatch(String line) throws IOException {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1).strip();
        if (line.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            // a bare CR, NUL or escape inside a command line: never part of SMTP, often an injection
            reply(Replies.CONTROL_CHARACTERS);
            return;
        }
        if (!client.budget().tryCommand()) {
            reply(Replies.rateLimited(settings.hostname(), "too many commands from " + client.address()));
            return;
        }
        CommandHandler handler = commands.handler(verb);
        if (handler == null) {
            reply(Replies.UNRECOGNIZED);
            return;
        }
        handler.handle(this, argument);
    }

    /** Queues a reply; it is flushed when the client has no more pipelined input for us. */
    public void reply(Reply reply) throws IOException {
        output.write(reply.render().getBytes(StandardCharsets.UTF_8));
        if (isClientError(reply.code()) && ++errors >= settings.maxBadCommands()) {
            output.write(Replies.TOO_MANY_ERRORS.render().getBytes(StandardCharsets.UTF_8));
            close();
        }
        if (reply.code() == 421) {
            close();
        }
    }

    /**
     * A decision of policy or of a limit against the client (not a syntax error): the reply, and a
     * report of it for the message trace.
     *
     * @param sender    the transaction's envelope sender ("" for the null sender), or null before MAIL
     * @param recipient the recipient refused, or null
     */
    public void refuse(Refusal.Stage stage, String sender, String recipient, Reply reply) throws IOException {
        report(stage, sender, recipient, reply);
        if (stage == Refusal.Stage.MAIL) {
            transactions++; // the refused attempt had its id: the next one gets the next
        }
        reply(reply);
    }

    /** Reports a refusal for the message trace; the caller gives the client the reply. */
    public void report(Refusal.Stage stage, String sender, String recipient, Reply reply) {
        if (++reported > MAX_REPORTED_REFUSALS) {
            return;
        }
        String trace = stage == Refusal.Stage.MAIL ? transactionId(transactions + 1)
                : stage == Refusal.Stage.CONNECT ? id : transactionId();
        try {
            listener.refused(java.util.List.of(new Refusal(trace, facts(), stage, sender, recipient, reply, clock.instant())));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "session " + id + ": the refusal could not be reported", e);
        }
    }

    /**
     * A recipient refused for good (an unknown user, a forged SRS address): the reply, counted as
     * an error like a bad command, so a session that guesses addresses ends after
     * {@code maxBadCommands} of them (Postfix's smtpd_hard_error_limit counts these too).
     */
    public void refuseRecipient(String sender, String recipient, Reply reply) throws IOException {
        refuse(Refusal.Stage.RCPT, sender, recipient, reply);
        if (reply.code() >= 500 && !isClientError(reply.code()) && !closing && ++errors >= settings.maxBadCommands()) {
            output.write(Replies.TOO_MANY_ERRORS.render().getBytes(StandardCharsets.UTF_8));
            close();
        }
    }

    private static boolean isClientError(int code) {
        return code == 500 || code == 501 || code == 502 || code == 503 || code == 504 || code == 555;
    }

    private void replyQuietly(Reply reply) {
        try {
            reply(reply);
            flush();
        } catch (IOException | RuntimeException ignored) {
            // the client is gone; nothing left to tell it
        }
    }

    public void flush() throws IOException {
        output.flush();
    }

    /**
     * Before any read that may block: pending replies go out, and the read may wait for the idle
     * timeout but never past the session's deadline, so a client that trickles octets inside a
     * line, DATA, BDAT or an AUTH exchange is still cut off at SMTP_MAX_SESSION_SECONDS.
     */
    private void beforeRead() throws IOException {
        output.flush();
        armReadTimeout();
    }

    private void armReadTimeout() throws IOException {
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        if (remaining <= 0) {
            throw new SessionTimeLimitException();
        }
        long idle = refused ? Math.min(REFUSED_IDLE_MILLIS, settings.idleTimeout().toMillis()) : settings.idleTimeout().toMillis();
        readBoundedByDeadline = remaining < idle;
        transport.readTimeout((int) Math.min(idle, remaining));
    }

    /** The session's time (SMTP_MAX_SESSION_SECONDS) ran out while it waited for the client. */
    private static final class SessionTimeLimitException extends java.io.InterruptedIOException {
        private static final long serialVersionUID = 1L;
    }

    /** Ends the session after the replies queued so far. */
    public void close() {
        closing = true;
    }

    public SmtpSettings settings() {
        return settings;
    }

    public CommandRegistry commands() {
        return commands;
    }

    public SmtpMessageListener listener() {
        return listener;
    }

    public ClientInfo client() {
        return client;
    }

    public SmtpInput input() {
        return input;
    }

    public String id() {
        return id;
    }

    /**
     * The id of the current (or last) transaction: the session's for the first, with {@code -n}
     * for the n-th. It names the message in our Received: header, the 250 reply and the trace.
     */
    public String transactionId() {
        return transactionId(Math.max(1, transactions));
    }

    private String transactionId(int n) {
        return n <= 1 ? id : id + "-" + n;
    }

    /** What the message trace records of this session so far. */
    public SessionFacts facts() {
        return new SessionFacts(id, client.listener(), client.address(), client.hostName(), heloName, tlsDescription,
                authenticatedUser);
    }

    public Instant now() {
        return clock.instant();
    }

    public String heloName() {
        return heloName;
    }

    public boolean isExtended() {
        return extended;
    }

    /** Records HELO/EHLO, which also resets any transaction (RFC 5321 4.1.4). */
    public void greeted(String name, boolean extendedSmtp) {
        this.heloName = name;
        this.extended = extendedSmtp;
        resetTransaction();
    }

    public Transaction transaction() {
        return transaction;
    }

    /** MAIL was accepted: the transaction begins, with an id of its own. */
    public void begin(Transaction newTransaction) {
        this.transaction = newTransaction;
        transactions++;
    }


    public void addRecipient(MailPath recipient) {
        transaction.addRecipient(recipient);
    }

    public void resetTransaction() {
        if (transaction != null) {
            transaction.discard();
        }
        this.transaction = null;
    }

    /**
     * Local domains take mail from anyone; other domains only from authenticated users, and only
     * when this server relays at all. Never an open relay.
     */
    public boolean acceptsMailFor(String domain) {
        return isLocalDomain(domain) || (authenticatedUser != null && settings.relayEnabled());
    }

    /** The listener's local domains, and those the application added since (asked only for the others). */
    public boolean isLocalDomain(String domain) {
        if (settings.isLocalDomain(domain)) {
            return true;
        }
        try {
            return listener().isLocalDomain(domain);
        } catch (RuntimeException e) {
            return false; // the application cannot say now: not local, so never an open relay
        }
    }

    public String authenticatedUser() {
        return authenticatedUser;
    }

    public void authenticated(String user) {
        this.authenticatedUser = user;
    }

    /** Counts a failed AUTH; returns the failures so far in this session. */
    public int authenticationFailed() {
        return ++authFailures;
    }

}
