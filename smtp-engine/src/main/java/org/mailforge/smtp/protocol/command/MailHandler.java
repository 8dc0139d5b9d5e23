package org.mailforge.smtp.protocol.command;

import java.io.IOException;
import java.util.Map;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.MailPath;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.protocol.Transaction;
import org.mailforge.smtp.spi.DeliverBy;
import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;

/** MAIL FROM: starts a transaction; understands SIZE (RFC 1870), BODY (RFC 6152) and SMTPUTF8 (RFC 6531). */
public final class MailHandler implements CommandHandler {

    private static final String USAGE = "MAIL FROM:<address>";

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        if (session.heloName() == null) {
            session.reply(Replies.NEED_HELO);
            return;
        }
        if (session.transaction() != null) {
            session.reply(Replies.NESTED_MAIL);
            return;
        }
        if (session.settings().authRequired() && session.authenticatedUser() == null) {
            session.refuse(Refusal.Stage.MAIL, null, null, Reply.of(530, "5.7.0", "Error: authentication required"));
            return;
        }
        PathArgument parsed = PathArgument.parse(argument, "FROM:");
        if (parsed == null) {
            session.reply(Replies.syntax(USAGE));
            return;
        }
        Map<String, String> parameters = parsed.parameters();
        if (!parameters.isEmpty() && !session.isExtended()) {
            session.reply(Reply.of(555, "5.5.4", "Error: parameters need EHLO"));
            return;
        }
        boolean smtpUtf8 = false;
        DeliverBy deliverBy = null;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            String value = parameter.getValue();
            switch (parameter.getKey()) {
                case "SIZE" -> {
                    if (value == null || !value.matches("\\d{1,40}")) {
                        session.reply(Reply.of(501, "5.5.4", "Error: bad SIZE parameter"));
                        return;
                    }
                    // any number of digits is a size; one too large for a long is simply too big
                    if (value.length() > 18 || Long.parseLong(value) > session.settings().maxMessageSize()) {
                        session.refuse(Refusal.Stage.MAIL, parsed.path(), null, Replies.tooBig(session.settings().maxMessageSize()));
                        return;
                    }
                }
                case "BODY" -> {
                    if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        session.reply(Reply.of(501, "5.5.4", "Error: BODY must be 7BIT or 8BITMIME"));
                        return;
                    }
                }
                case "BY" -> {
                    deliverBy = DeliverByParameter.parse(value);
                    if (deliverBy == null) {
                        session.reply(Reply.of(501, "5.5.4", "Error: BY must be <seconds>;R or <seconds>;N, optionally with T"));
                        return;
                    }
                    if (deliverBy.returnOnFailure() && deliverBy.seconds() < session.settings().deliverByMinimum()) {
                        session.reply(Reply.of(555, "5.5.4", "Error: BY time below the minimum of "
                                + session.settings().deliverByMinimum() + " seconds"));
                        return;
                    }
                }
                case "SMTPUTF8" -> {
                    if (value != null) {
                        session.reply(Reply.of(501, "5.5.4", "Error: SMTPUTF8 takes no value"));
                        return;
                    }
                    smtpUtf8 = true;
                }
                default -> {
                    session.reply(Reply.of(555, "5.5.4", "Error: unsupported parameter " + parameter.getKey()));
                    return;
                }
            }
        }
        MailPath sender;
        if (parsed.path().isEmpty()) {
            sender = MailPath.NULL;
        } else {
            try {
                sender = MailPath.parse(parsed.path(), smtpUtf8);
            } catch (MailPath.InvalidPathException e) {
                session.reply(e.needsUtf8()
                        ? Reply.of(553, "5.6.7", "Error: non-ASCII sender address needs SMTPUTF8")
                        : MailPath.refusal(e, Reply.of(501, "5.1.7", "Error: bad sender address syntax")));
                return;
            }
        }
        String user = session.authenticatedUser();
        if (user != null && !sender.isNull() && session.settings().senderLoginMatch()) {
            Reply refusal = session.listener().verifySender(user, sender.address());
            if (refusal != null) {
                session.refuse(Refusal.Stage.MAIL, sender.address(), null, refusal);
                return;
            }
        }
        if (!session.client().budget().tryMessage()) {
            session.refuse(Refusal.Stage.MAIL, sender.isNull() ? "" : sender.address(), null, Reply.of(450, "4.7.0",
                    "Error: too many messages from " + session.client().address() + ", try again later"));
            return;
        }
        session.begin(new Transaction(sender, smtpUtf8, deliverBy));
        session.reply(Replies.SENDER_OK);
    }
}
