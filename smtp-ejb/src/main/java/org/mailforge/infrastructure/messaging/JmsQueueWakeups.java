package org.mailforge.infrastructure.messaging;

import java.time.Duration;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import jakarta.transaction.Transactional;

import org.mailforge.application.outbound.QueueWakeups;

/**
 * Wake-ups as persistent JMS messages on {@code jms/outbound} (Liberty's embedded messaging
 * engine), delayed with the JMS 2 delivery delay; {@code OutboundDeliveryBean} consumes them.
 */
@ApplicationScoped
public class JmsQueueWakeups implements QueueWakeups {

    private static final Logger LOG = Logger.getLogger(JmsQueueWakeups.class.getName());

    @Resource(lookup = "jms/mailforge")
    ConnectionFactory connectionFactory;

    @Resource(lookup = "jms/outbound")
    Queue queue;

    @Override
    @Transactional(Transactional.TxType.NOT_SUPPORTED) // sent at once, never held back by a caller's transaction
    public void wake(String id, Duration delay) {
        try {
            PersistentMessages.send(connectionFactory, queue, id, delay, java.util.Map.of());
        } catch (JMSRuntimeException e) {
            // not lost: the queue sweeper wakes every overdue entry
            LOG.warning("could not schedule delivery of " + id + " (the sweeper will): " + e);
        }
    }
}
