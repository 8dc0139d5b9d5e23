package org.mailforge.domain.trace;

import java.time.Instant;
import java.util.Set;

/**
 * A search of the trace, newest first. Null fields do not filter.
 *
 * @param sender    the envelope sender (lower case), or {@code @domain} for any sender of the domain
 * @param recipient an envelope recipient (lower case), or {@code @domain}
 * @param messageId the Message-ID field's value
 * @param traceId   the message's id (the 250 reply's "queued as"), or a queue entry's id
 * @param client    the client's address
 * @param status    where it stands
 * @param from      first seen at or after
 * @param to        first seen before
 * @param visibleTo null for an administrator; else the addresses (lower case) whose mail a user may see:
 *                  mail they sent, or received at one of them
 * @param login     for a user: mail its session authenticated as this login is visible too
 */
public record TraceQuery(String sender, String recipient, String messageId, String traceId, String client, TraceStatus status,
                         Instant from, Instant to, Set<String> visibleTo, String login, int offset, int limit) {
}
