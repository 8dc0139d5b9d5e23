package org.mailforge.application.outbound;

import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Reply;

/**
 * Where the delivery agent hands the notices it writes (bounces, delay warnings): the inbound
 * path, which screens, stores or queues them as any other message. A port, so that outbound
 * delivery does not depend on the inbound use case (which depends on outbound to queue).
 */
public interface LocalDelivery {

    /**
     * A message this server wrote: screened and stored like any other, without the sender checks
     * that are for mail from elsewhere.
     */
    Reply deliverOwn(InboundMessage message);
}
