package org.mailforge.application.events;

import java.time.Duration;

/** Holds webhook calls durably until they are due (the JMS queue {@code jms/webhooks}). */
public interface WebhookOutbox {

    void schedule(WebhookCall call, Duration delay);
}
