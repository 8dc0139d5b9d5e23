package org.mailforge.smtp.ra;

import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SmtpMessageListener;

/**
 * The engine's listener for one activation: each call borrows a message endpoint (an MDB instance
 * from the container's pool), invokes it and gives it back.
 */
final class EndpointListener implements SmtpMessageListener {

    private final MessageEndpointFactory factory;

    EndpointListener(MessageEndpointFactory factory) {
        this.factory = factory;
    }

    @Override
    public Reply deliver(InboundMessage message) {
        MessageEndpoint endpoint;
        try {
            endpoint = factory.createEndpoint(null);
        } catch (UnavailableException e) {
            throw new IllegalStateException("message endpoint unavailable", e);
        }
        try {
            return ((SmtpMessageListener) endpoint).deliver(message);
        } finally {
            endpoint.release();
        }
    }
}
