package org.mailforge.interfaces.jms;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

import org.mailforge.application.outbound.DeliveryAgent;

/**
 * Consumes the wake-ups of the outbound queue ({@code jms/outbound}): each names a queue entry to
 * try now. The queue's state lives in the database, so the wake-up is acknowledged whatever
 * happens; a failed attempt is rescheduled by the agent or, if the server died, by the sweeper.
 * Concurrency and the destination come from server.xml ({@code jmsActivationSpec}).
 */
@MessageDriven(name = "OutboundDeliveryBean", activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue")})
@TransactionManagement(TransactionManagementType.BEAN)
public class OutboundDeliveryBean implements MessageListener {

    private static final Logger LOG = Logger.getLogger(OutboundDeliveryBean.class.getName());

    @Inject
    DeliveryAgent agent;

    @Override
    public void onMessage(Message message) {
        String id = null;
        try {
            id = ((TextMessage) message).getText();
            agent.attempt(id);
        } catch (JMSException | RuntimeException e) {
            LOG.log(Level.WARNING, "delivery attempt for " + id + " failed; the entry stays queued", e);
        }
    }
}
