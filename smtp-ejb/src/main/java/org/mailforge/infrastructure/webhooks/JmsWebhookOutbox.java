package org.mailforge.infrastructure.webhooks;

import java.time.Duration;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;

import org.mailforge.application.events.WebhookCall;
import org.mailforge.application.events.WebhookOutbox;
import org.mailforge.infrastructure.messaging.PersistentMessages;

/**
 * Webhook calls as persistent JMS messages on {@code jms/webhooks}, delayed with the JMS 2
 * delivery delay; {@code WebhookDeliveryBean} consumes them. Inside the consuming bean's
 * transaction a retry is sent together with the receipt of the failed call.
 */
@ApplicationScoped
public class JmsWebhookOutbox implements WebhookOutbox {

    static final String ID = "webhookId";
    static final String EVENT = "webhookEvent";
    static final String ATTEMPT = "webhookAttempt";
    private static final Logger LOG = Logger.getLogger(JmsWebhookOutbox.class.getName());

    @Resource(lookup = "jms/mailforge")
    ConnectionFactory connectionFactory;

    @Resource(lookup = "jms/webhooks")
    Queue queue;

    @Override
    public void schedule(WebhookCall call, Duration delay) {
        try {
            PersistentMessages.send(connectionFactory, queue, call.body(), delay,
                    java.util.Map.of(ID, call.id(), EVENT, call.event(), ATTEMPT, call.attempt()));
        } catch (JMSRuntimeException e) {
            LOG.warning("webhook " + call.event() + " " + call.id() + " could not be queued and is lost: " + e);
        }
    }

    /** The call a message of this outbox carries. */
    public static WebhookCall read(jakarta.jms.Message message) throws jakarta.jms.JMSException {
        return new WebhookCall(message.getStringProperty(ID), message.getStringProperty(EVENT),
                message.getBody(String.class), message.getIntProperty(ATTEMPT));
    }
}
