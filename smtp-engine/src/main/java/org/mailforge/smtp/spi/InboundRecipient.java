package org.mailforge.smtp.spi;

import java.io.Serializable;

/**
 * A recipient an unauthenticated client named on the MX listener, with what the session knows of
 * its client, for the checks made at RCPT (greylisting). The recipient has been verified already.
 *
 * @param clientAddress the client's IP address as text (the real one behind a PROXY header)
 * @param clientScore   the score its address got at connect ({@link ClientScreening#score()})
 * @param heloName      what it said in HELO/EHLO
 * @param reversePath   the envelope sender, empty for the null sender
 * @param recipient     the recipient's address
 */
public record InboundRecipient(String clientAddress, int clientScore, String heloName, String reversePath,
        String recipient) implements Serializable {
}
