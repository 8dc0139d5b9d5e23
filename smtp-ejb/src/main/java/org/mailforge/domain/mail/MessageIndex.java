package org.mailforge.domain.mail;

import java.time.Instant;
import java.util.List;

/**
 * The database store's index of a mailbox's messages: its envelope and header fields, listed and
 * searched (every word must occur), newest first.
 */
public interface MessageIndex {

    /** A stored message as the index knows it, not its body. */
    record Entry(long id, String messageId, String folder, String from, String to, String subject, Instant date, long size) {
    }

    /** A page of entries and the number of all that match. */
    record Page(List<Entry> messages, long total) {
    }

    /** The mailbox's messages, or only those containing every word of {@code query} when it is not blank. */
    Page search(String mailbox, String query, int offset, int limit);
}
