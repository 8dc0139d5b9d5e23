package org.mailforge.smtp.protocol.command;

import java.io.IOException;
import java.util.Locale;

import org.mailforge.smtp.protocol.CommandHandler;
import org.mailforge.smtp.protocol.Replies;
import org.mailforge.smtp.protocol.SmtpSession;
import org.mailforge.smtp.spi.Domains;
import org.mailforge.smtp.spi.Reply;

/**
 * ETRN (RFC 1985): asks the server to start delivering the mail it queued for a domain. Harmless
 * to anyone (it only moves a retry earlier), so it needs no authentication.
 */
public final class EtrnHandler implements CommandHandler {

    @Override
    public void handle(SmtpSession session, String argument) throws IOException {
        if (session.heloName() == null) {
            session.reply(Replies.NEED_HELO);
            return;
        }
        if (session.transaction() != null) {
            session.reply(Reply.of(503, "5.5.1", "Error: ETRN not allowed inside a mail transaction"));
            return;
        }
        if (argument.isEmpty()) {
            session.reply(Replies.syntax("ETRN domain"));
            return;
        }
        if (argument.startsWith("#")) {
            session.reply(Reply.of(458, "4.3.0", "Unable to queue messages for node " + argument + ": queue names are not supported"));
            return;
        }
        // "@domain" asks for the domain and its subdomains; this server queues per domain
        String domain = argument.startsWith("@") ? argument.substring(1) : argument;
        if (!Domains.isValidName(domain)) {
            session.reply(Replies.syntax("ETRN domain"));
            return;
        }
        session.reply(session.listener().startQueueRun(domain.toLowerCase(Locale.ROOT)));
    }
}
