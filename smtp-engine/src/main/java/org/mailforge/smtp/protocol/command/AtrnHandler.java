package org.mailforge.smtp.protocol.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.mailforge.smtp.client.SmtpClient;
import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.spi.Domains;
import org.mailforge.smtp.spi.HeldMail;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.TurnResult;

/**
 * ATRN (RFC 2645): an authenticated client collects the mail held for its domains over the
 * connection it opened. After the 250 the roles reverse: the client greets with 220 and this
 * server delivers as an SMTP client, then quits, which ends the connection.
 */
public final class AtrnHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        if (session.heloName() == null) {
            session.reply(Replies.NEED_HELO);
            return;
        }
        if (session.transaction() != null) {
            session.reply(Reply.of(503, "5.5.1", "Error: ATRN not allowed inside a mail transaction"));
            return;
        }
        if (session.authenticatedUser() == null) {
            session.reply(Reply.of(530, "5.7.0", "Error: authentication required for ATRN"));
            return;
        }
        List<String> domains = new ArrayList<>();
        for (String item : argument.isEmpty() ? new String[0] : argument.split(",")) {
            String domain = item.strip();
            if (!Domains.isValidName(domain)) {
                session.reply(Replies.syntax("ATRN [domain[,domain]...]"));
                return;
            }
            domains.add(domain.toLowerCase(Locale.ROOT));
        }
        TurnResult turn = session.listener().turn(session.authenticatedUser(), domains);
        if (turn.refusal() != null) {
            session.reply(turn.refusal());
            return;
        }
        if (turn.mail().isEmpty()) {
            session.reply(Reply.of(453, "4.3.0", "You have no mail"));
            return;
        }
        String names = domains.isEmpty() ? "your domains" : String.join(", ", domains);
        session.reply(Reply.of(250, "2.0.0", "Now accepting mail for " + names + ", reversing the connection"));
        SmtpClient client = session.reverse();
        session.close();
        Reply greeting = client.greeting();
        if (greeting.code() != 220 || client.hello(session.settings().hostname()).code() != 250) {
            client.quit();
            return;
        }
        for (HeldMail mail : turn.mail()) {
            List<RecipientReply> results = client.send(mail.sender(), mail.recipients(), mail.content(), mail.smtpUtf8());
            session.listener().turned(mail.id(), results);
        }
        client.quit();
    }
}
