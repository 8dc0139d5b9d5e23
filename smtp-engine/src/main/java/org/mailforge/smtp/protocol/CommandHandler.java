package org.mailforge.smtp.protocol;

import java.io.IOException;

/** Handles one SMTP verb. Handlers are stateless; all state lives in the session. */
@FunctionalInterface
public interface CommandHandler {

    /**
     * @param session  the session the command arrived on
     * @param argument everything after the verb and its separating space (empty when none)
     */
    void handle(SmtpSession session, String argument) throws IOException;
}
