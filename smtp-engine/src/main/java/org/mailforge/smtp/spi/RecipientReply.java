package org.mailforge.smtp.spi;

import java.io.Serializable;

/** A destination's verdict on one recipient: the RCPT reply, or the end-of-data reply once accepted. */
public record RecipientReply(String recipient, Reply reply) implements Serializable {

    public boolean delivered() {
        return reply.code() >= 200 && reply.code() < 300;
    }

    public boolean permanent() {
        return reply.code() >= 500;
    }
}
