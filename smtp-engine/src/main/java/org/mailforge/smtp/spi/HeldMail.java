package org.mailforge.smtp.spi;

import java.util.List;

/**
 * A queued message handed to the engine for delivery over the client's own connection (ATRN).
 *
 * @param id         the queue entry, reported back with the outcome
 * @param sender     reverse path, empty for the null sender
 * @param recipients forward paths
 * @param content    the message as queued
 * @param smtpUtf8   whether it needs SMTPUTF8
 */
public record HeldMail(String id, String sender, List<String> recipients, MessageContent content, boolean smtpUtf8) {

    public HeldMail {
        recipients = List.copyOf(recipients);
    }
}
