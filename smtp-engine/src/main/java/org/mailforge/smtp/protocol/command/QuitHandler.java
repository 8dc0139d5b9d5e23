package org.mailforge.smtp.protocol.command;

import java.io.IOException;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;

/** QUIT: says goodbye and ends the session. */
public final class QuitHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        session.reply(Replies.BYE);
        session.close();
    }
}
