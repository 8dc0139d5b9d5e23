package org.mailforge.application.events;

import java.io.Serializable;

/**
 * One event on its way to the webhook: the exact body that is signed and posted, and how many
 * attempts it has had.
 *
 * @param id      unique per event, sent as {@code X-Webhook-Id} so receivers can drop repeats
 * @param event   the event name
 * @param body    the JSON payload
 * @param attempt the attempt this is, from 1
 */
public record WebhookCall(String id, String event, String body, int attempt) implements Serializable {

    public WebhookCall next() {
        return new WebhookCall(id, event, body, attempt + 1);
    }
}
