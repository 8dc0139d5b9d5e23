package org.mailforge.application.scanning;

import org.mailforge.smtp.spi.MessageContent;

/** A virus scanner (clamd). */
public interface VirusScanner {

    VirusVerdict scan(MessageContent content) throws ScannerUnavailableException;

    /** Whether the daemon answers now (health). */
    boolean ping();

    /** host:port, for messages. */
    String describe();
}
