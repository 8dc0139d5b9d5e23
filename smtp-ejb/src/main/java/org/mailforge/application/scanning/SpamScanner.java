package org.mailforge.application.scanning;

import org.mailforge.smtp.spi.MessageContent;

/** A spam classifier (spamd). */
public interface SpamScanner {

    SpamVerdict check(MessageContent content) throws ScannerUnavailableException;

    /** Whether the daemon answers now (health). */
    boolean ping();

    /** host:port, for messages. */
    String describe();
}
