package org.mailforge.smtp.protocol.command;

import java.io.IOException;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.MailPath;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.Transaction;
import org.mailforge.smtp.spi.InboundRecipient;
import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;

/**
 * RCPT TO: adds a recipient, refusing relaying, addresses of local domains that have no mailbox,
 * and recipients beyond the limit; for mail from unauthenticated clients the application then
 * screens the envelope (greylisting may ask the client to try again later).
 */
public final class RcptHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        Transaction transaction = session.transaction();
        if (transaction == null) {
            session.reply(Replies.NEED_MAIL);
            return;
        }
        PathArgument parsed = PathArgument.parse(argument, "TO:");
        if (parsed == null || parsed.path().isEmpty()) {
            session.reply(Replies.syntax("RCPT TO:<address>"));
            return;
        }
        if (!parsed.parameters().isEmpty()) {
            String key = parsed.parameters().keySet().iterator().next();
            session.reply(Reply.of(555, "5.5.4", "Error: unsupported parameter " + key));
            return;
        }
        MailPath recipient;
        if (parsed.path().equalsIgnoreCase("postmaster")) {
            // RFC 5321 4.5.1: <postmaster> without a domain must be accepted
            recipient = new MailPath("postmaster", session.settings().hostname());
        } else {
            try {
                recipient = MailPath.parse(parsed.path(), transaction.smtpUtf8());
            } catch (MailPath.InvalidPathException e) {
                session.reply(e.needsUtf8()
                        ? Reply.of(553, "5.6.7", "Error: non-ASCII recipient address needs SMTPUTF8")
                        : MailPath.refusal(e, Reply.of(501, "5.1.3", "Error: bad recipient address syntax")));
                return;
            }
        }
        String sender = DataHandler.sender(transaction);
        if (transaction.named() >= session.settings().maxRecipients()) {
            // repeats count too: an endless stream of one address must not be endless work
            session.refuse(Refusal.Stage.RCPT, sender, recipient.address(), Reply.of(452, "4.5.3", "Error: too many recipients"));
            return;
        }
        if (transaction.recipients().contains(recipient)) {
            // the same mailbox twice gets one copy (100 identical RCPTs must not mean 100 copies)
            transaction.namedAgain();
            session.reply(Replies.RECIPIENT_OK);
            return;
        }
        if (!session.acceptsMailFor(recipient.domain())) {
            session.refuse(Refusal.Stage.RCPT, sender, recipient.address(), Reply.of(550, "5.7.1", recipient + ": Relay access denied"));
            return;
        }
        if (session.authenticatedUser() != null) {
            Reply limit;
            try {
                limit = session.listener().screenSubmission(session.authenticatedUser(), sender, recipient.address(),
                        transaction.recipients().size());
            } catch (RuntimeException e) {
                limit = Reply.of(451, "4.3.0", recipient + ": cannot check the sending limits now, try again later");
            }
            if (limit != null) {
                session.refuse(Refusal.Stage.RCPT, sender, recipient.address(), limit);
                return;
            }
        }
        if (session.isLocalDomain(recipient.domain())) {
            Reply refusal;
            try {
                refusal = session.listener().verifyRecipient(sender, recipient.address());
            } catch (RuntimeException e) {
                refusal = Reply.of(451, "4.3.0", recipient + ": cannot verify the recipient now, try again later");
            }
            if (refusal != null) {
                session.refuseRecipient(sender, recipient.address(), refusal);
                return;
            }
            if (session.authenticatedUser() == null && session.client().screening().screenRecipients()) {
                Reply deferral = screen(session, transaction, recipient);
                if (deferral != null) {
                    transaction.namedAgain(); // counts toward the recipient limit: each deferral may cost the application a row
                    session.refuse(Refusal.Stage.RCPT, sender, recipient.address(), deferral);
                    return;
                }
            }
        }
        session.addRecipient(recipient);
        session.reply(Replies.RECIPIENT_OK);
    }

    /** The application's checks of the whole envelope (greylisting) for mail from an unauthenticated client. */
    private static Reply screen(SmtpSession session, Transaction transaction, MailPath recipient) {
        MailPath sender = transaction.reversePath();
        try {
            return session.listener().screenRecipient(new InboundRecipient(session.client().address(),
                    session.client().screening().score(), session.heloName(), sender.isNull() ? "" : sender.address(),
                    recipient.address()));
        } catch (RuntimeException e) {
            return Reply.of(451, "4.3.0", recipient + ": cannot check the recipient now, try again later");
        }
    }
}
