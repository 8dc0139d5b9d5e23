package org.mailforge.domain.queue;

import java.io.IOException;

import org.mailforge.smtp.spi.MessageContent;

/**
 * Where the content of queued outbound messages waits: files in SMTP_QUEUE_PATH on one machine,
 * or the S3 bucket when several nodes share the queue (SMTP_QUEUE_STORAGE=s3), so that any node
 * can deliver what another accepted. A name returned here is recorded with the queue entry.
 */
public interface QueueSpool {

    /** Fails with a message naming the variable to set unless the spool can be used; called at start-up. */
    void checkAvailable();

    /** Writes the content for queue entry {@code id}, durably; returns the name to record. */
    String write(String id, MessageContent content) throws IOException;

    /** Gives entry {@code id} the same content as {@code existing}, durably; returns its name. */
    String link(String existing, String id) throws IOException;

    MessageContent open(String name) throws IOException;

    /** Removes the content; a failure is logged, never thrown (the entry is gone already). */
    void delete(String name);
}
