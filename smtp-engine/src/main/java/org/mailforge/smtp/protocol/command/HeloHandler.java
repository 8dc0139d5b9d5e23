package org.mailforge.smtp.protocol.command;

import java.io.IOException;
import java.util.List;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.spi.Reply;

/** HELO: greets a plain SMTP client; no extensions apply to the session afterwards. */
public final class HeloHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        if (argument.isEmpty() || argument.contains(" ")) {
            session.reply(Replies.syntax("HELO hostname"));
            return;
        }
        if (!org.mailforge.smtp.protocol.MailPath.isValidHeloName(argument)) {
            session.reply(Replies.BAD_HELO_NAME);
            return;
        }
        session.greeted(argument, false);
        session.reply(new Reply(250, null, List.of(session.settings().hostname())));
    }
}
