package org.mailforge.smtp.protocol.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.spi.Reply;

/** EHLO: greets an ESMTP client and lists the service extensions (RFC 5321 4.1.1.1). */
public final class EhloHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        if (argument.isEmpty() || argument.contains(" ")) {
            session.reply(Replies.syntax("EHLO hostname"));
            return;
        }
        if (!org.mailforge.smtp.protocol.MailPath.isValidHeloName(argument)) {
            session.reply(Replies.BAD_HELO_NAME);
            return;
        }
        session.greeted(argument, true);
        List<String> lines = new ArrayList<>();
        lines.add(session.settings().hostname() + " Hello " + argument + " [" + session.client().address() + "]");
        lines.add("PIPELINING");
        lines.add("SIZE " + session.settings().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("CHUNKING");
        lines.add("DELIVERBY " + session.settings().deliverByMinimum());
        lines.add("ETRN");
        lines.add("ATRN");
        if (session.canStartTls()) {
            lines.add("STARTTLS");
        }
        if (session.authAllowed()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        session.reply(new Reply(250, null, lines));
    }
}
