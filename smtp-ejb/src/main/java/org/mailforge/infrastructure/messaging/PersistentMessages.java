package org.mailforge.infrastructure.messaging;

import java.time.Duration;
import java.util.Map;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;

/**
 * Sends a persistent text message that becomes visible after a delay (the JMS 2 delivery delay),
 * the one way Mailforge schedules work on its queues (outbound wake-ups, webhook calls). Inside a
 * JTA transaction the send commits with it.
 */
public final class PersistentMessages {

    private PersistentMessages() {
    }

    /** @throws jakarta.jms.JMSRuntimeException when the messaging engine does not take it */
    public static void send(ConnectionFactory factory, Queue queue, String body, Duration delay, Map<String, Object> properties) {
        try (JMSContext context = factory.createContext()) {
            JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
            properties.forEach(producer::setProperty);
            if (!delay.isNegative() && !delay.isZero()) {
                producer.setDeliveryDelay(delay.toMillis());
            }
            producer.send(queue, body);
        }
    }
}
