package org.mailforge.interfaces.jms;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

import org.mailforge.application.events.WebhookDispatcher;
import org.mailforge.infrastructure.webhooks.JmsWebhookOutbox;

/**
 * Consumes webhook calls ({@code jms/webhooks}). Container-managed transaction: the receipt of a
 * call and the retry it may schedule commit together, and a crash mid-post redelivers the call.
 */
@MessageDriven(name = "WebhookDeliveryBean", activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue")})
public class WebhookDeliveryBean implements MessageListener {

    private static final Logger LOG = Logger.getLogger(WebhookDeliveryBean.class.getName());

    @Inject
    WebhookDispatcher dispatcher;

    @Override
    public void onMessage(Message message) {
        try {
            dispatcher.attempt(JmsWebhookOutbox.read(message));
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "unreadable webhook call dropped", e);
        }
    }
}
