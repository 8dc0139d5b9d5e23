package org.mailforge.smtp.protocol.command;

import java.io.IOException;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;

/** RSET: abandons the current transaction. */
public final class RsetHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        if (!argument.isEmpty()) {
            session.reply(Replies.syntax("RSET"));
            return;
        }
        session.resetTransaction();
        session.reply(Replies.OK);
    }
}
