package org.mailforge.smtp.protocol.command;

import java.io.IOException;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.spi.Reply;

/** HELP: lists the verbs this server understands. */
public final class HelpHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        session.reply(Reply.of(214, "2.0.0", "Commands: " + String.join(" ", session.commands().verbs())));
    }
}
