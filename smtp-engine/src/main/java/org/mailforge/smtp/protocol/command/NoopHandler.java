package org.mailforge.smtp.protocol.command;

import java.io.IOException;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;

/** NOOP: does nothing, successfully (an argument is allowed and ignored). */
public final class NoopHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        session.reply(Replies.OK);
    }
}
