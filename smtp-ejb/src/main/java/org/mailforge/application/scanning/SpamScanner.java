package org.mailforge.application.scanning;

import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;

/** A spam classifier (spamd or rspamd). */
public interface SpamScanner {

    SpamVerdict check(MessageContent content) throws ScannerUnavailableException;

    /** A received message with its envelope, for scanners that use it (rspamd: SPF, per-user settings). */
    default SpamVerdict check(InboundMessage message) throws ScannerUnavailableException {
        return check(message.content());
    }

    /** Teaches the classifier that this message of {@code mailbox} is spam, or is not. */
    default void learn(MessageContent content, boolean spam, String mailbox) throws ScannerUnavailableException {
        throw new UnsupportedOperationException(describe() + " does not learn from users here");
    }

    /** Whether {@link #learn} works with this scanner. */
    default boolean learns() {
        return false;
    }

    /** Whether the daemon answers now (health). */
    boolean ping();

    /** host:port, for messages. */
    String describe();
}
