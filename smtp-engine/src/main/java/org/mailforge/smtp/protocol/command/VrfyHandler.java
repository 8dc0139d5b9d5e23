package org.mailforge.smtp.protocol.command;

import java.io.IOException;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.spi.Reply;

/** VRFY: never confirms mailboxes (no address harvesting), as RFC 5321 3.5.3 permits. */
public final class VrfyHandler implements CommandHandler {

    private static final Reply CANNOT_VERIFY =
            Reply.of(252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery");

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        session.reply(argument.isEmpty() ? Replies.syntax("VRFY address") : CANNOT_VERIFY);
    }
}
