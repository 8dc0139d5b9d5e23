package org.mailforge.application.events;

import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;

/**
 * Where services report events. An event nobody subscribed to costs nothing (its details are not
 * even computed); a wanted one is handed to asynchronous observers, so the caller, an SMTP
 * session for instance, never waits for its delivery.
 */
@ApplicationScoped
public class ServerEvents {

    @Inject
    ServerConfiguration configuration;

    @Inject
    Event<ServerEvent> observers;

    public void publish(String event, Supplier<Map<String, Object>> data) {
        if (configuration.operations().webhookWanted(event)) {
            observers.fireAsync(new ServerEvent(event, Instant.now(), data.get()));
        }
    }
}
