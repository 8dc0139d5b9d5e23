package org.mailforge.smtp.protocol.command;

import java.io.IOException;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.spi.Reply;

/** STARTTLS (RFC 3207): 220, then the TLS handshake; the session starts over inside TLS. */
public final class StartTlsHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        if (!argument.isEmpty()) {
            session.reply(Replies.syntax("STARTTLS"));
            return;
        }
        if (session.tlsDescription() != null) {
            session.reply(Reply.of(503, "5.5.1", "Error: TLS already active"));
            return;
        }
        if (!session.canStartTls()) {
            session.reply(Reply.of(454, "4.7.0", "TLS not available"));
            return;
        }
        session.reply(Reply.of(220, "2.0.0", "Ready to start TLS"));
        try {
            session.startTls();
        } catch (IOException e) {
            // a failed handshake leaves no usable stream: end the session
            session.close();
            throw e;
        }
    }
}
