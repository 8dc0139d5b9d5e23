package org.mailforge.smtp.protocol.command;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.MailPath;
import org.mailforge.smtp.protocol.MessageBuffer;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpInput;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.protocol.TraceHeader;
import org.mailforge.smtp.protocol.Transaction;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;

/**
 * DATA: receives the message text and hands it to the listener; the listener's reply (250 only
 * once the message is durable) is what the client sees.
 */
public final class DataHandler implements CommandHandler {

    private static final Logger LOG = Logger.getLogger(DataHandler.class.getName());
    private static final Reply START_INPUT = new Reply(354, null, java.util.List.of("End data with <CR><LF>.<CR><LF>"));
    private static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.2",
            "Error: message line longer than 998 characters (RFC 5321 4.5.3.1.6); encode long lines or use BDAT");
    static final Reply BARE_LINE_ENDING = Reply.of(550, "5.6.0",
            "Error: bare CR or LF in message text is not allowed (RFC 5321 2.3.8); use CRLF line endings");
    static final Reply NUL = Reply.of(550, "5.6.0",
            "Error: NUL in message text is not allowed (RFC 5322 2.3); encode binary content");

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        Transaction transaction = session.transaction();
        if (!argument.isEmpty()) {
            session.reply(Replies.syntax("DATA"));
            return;
        }
        if (transaction == null) {
            session.reply(Replies.NEED_MAIL);
            return;
        }
        if (transaction.recipients().isEmpty()) {
            session.reply(Replies.NEED_RCPT);
            return;
        }
        if (transaction.chunks() != null) {
            session.reply(Reply.of(503, "5.5.1", "Error: DATA cannot follow BDAT"));
            return;
        }
        session.reply(START_INPUT);
        long limit = session.settings().maxMessageSize();
        try (MessageBuffer buffer = new MessageBuffer(session.settings().memoryThreshold(), session.settings().spoolDirectory())) {
            buffer.write(TraceHeader.received(session, transaction));
            SmtpInput.DataResult data = session.input().readData(buffer, limit);
            session.resetTransaction();
            if (data.exceeded()) {
                session.refuse(Refusal.Stage.DATA, sender(transaction), null, Replies.tooBig(limit));
            } else if (data.bareLineEnding()) {
                session.refuse(Refusal.Stage.DATA, sender(transaction), null, BARE_LINE_ENDING);
            } else if (data.nul()) {
                session.refuse(Refusal.Stage.DATA, sender(transaction), null, NUL);
            } else if (data.longestLine() > SmtpSettings.MAX_TEXT_LINE) {
                session.refuse(Refusal.Stage.DATA, sender(transaction), null, LINE_TOO_LONG);
            } else {
                buffer.flush();
                session.reply(deliver(session, transaction, buffer));
            }
        }
    }

    /** RFC 5321 6.3: a message that has passed this many relays is looping. */
    static final int MAX_HOPS = 50;
    static final Reply TOO_MANY_HOPS = Reply.of(554, "5.4.6", "Error: too many hops (more than " + MAX_HOPS
            + " Received: headers), mail loop?");

    /**
     * Hands a complete message to the listener; any failure there becomes a 451, never a 250. A
     * message with more than {@link #MAX_HOPS} {@code Received:} headers (ours included) is
     * refused: mutual forwarding would otherwise loop for ever.
     */
    static Reply deliver(SmtpSession session, Transaction transaction, MessageBuffer content) {
        Reply reply = handOver(session, transaction, content);
        if (reply == TOO_MANY_HOPS || reply == Replies.LOCAL_ERROR) {
            session.report(Refusal.Stage.DATA, sender(transaction), null, reply); // the application never saw it
        }
        return reply;
    }

    /** The transaction's envelope sender as the trace shows it: empty for the null sender. */
    static String sender(Transaction transaction) {
        return transaction.reversePath().isNull() ? "" : transaction.reversePath().address();
    }

    private static Reply handOver(SmtpSession session, Transaction transaction, MessageBuffer content) {
        try (java.io.InputStream in = content.openStream()) {
            if (TraceHeader.hops(in, MAX_HOPS + 1) > MAX_HOPS) {
                return TOO_MANY_HOPS;
            }
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "session " + session.id() + ": message unreadable; answered 451", e);
            return Replies.LOCAL_ERROR;
        }
        InboundMessage message = new InboundMessage(session.transactionId(), session.client().address(), session.heloName(),
                transaction.reversePath().address(),
                transaction.recipients().stream().map(MailPath::address).toList(),
                content, session.now(), transaction.smtpUtf8(), session.authenticatedUser(), transaction.deliverBy(),
                session.facts());
        try {
            Reply reply = session.listener().deliver(message);
            return reply != null ? reply : Replies.LOCAL_ERROR;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delivery of message " + session.transactionId() + " failed; answered 451", e);
            return Replies.LOCAL_ERROR;
        }
    }
}
