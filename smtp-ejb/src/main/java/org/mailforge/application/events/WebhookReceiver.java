package org.mailforge.application.events;

import java.io.IOException;

/** The HTTP side of a webhook: posts one call, signed. */
public interface WebhookReceiver {

    /** @return the HTTP status the receiver answered */
    int post(WebhookCall call) throws IOException;
}
