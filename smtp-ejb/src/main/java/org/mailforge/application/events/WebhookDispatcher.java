package org.mailforge.application.events;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

import org.mailforge.application.config.ServerConfiguration;

/**
 * Turns events into webhook calls and sees each call through: the first attempt is queued at
 * once, a failed one (no answer, or anything but 2xx) again after the configured delays, and a
 * call that used every attempt is dropped with a log line. Delivery is at least once.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class.getName());

    @Inject
    ServerConfiguration configuration;

    @Inject
    WebhookOutbox outbox;

    @Inject
    WebhookReceiver receiver;

    void onEvent(@ObservesAsync ServerEvent event) {
        outbox.schedule(new WebhookCall("evt_" + UUID.randomUUID().toString().replace("-", ""), event.event(), payload(event), 1),
                Duration.ZERO);
    }

    /** One attempt; reschedules or gives up when it fails. */
    public void attempt(WebhookCall call) {
        String failure;
        try {
            int status = receiver.post(call);
            if (status >= 200 && status < 300) {
                return;
            }
            failure = "HTTP " + status;
        } catch (java.io.IOException | RuntimeException e) {
            failure = e.toString();
        }
        List<Duration> schedule = configuration.operations().webhookRetrySchedule();
        if (call.attempt() > schedule.size()) {
            LOG.warning("webhook " + call.event() + " " + call.id() + " dropped after " + call.attempt() + " attempts: " + failure);
            return;
        }
        Duration delay = schedule.get(call.attempt() - 1);
        LOG.info(() -> "webhook " + call.event() + " " + call.id() + " attempt " + call.attempt() + " failed, retry in " + delay);
        outbox.schedule(call.next(), delay);
    }

    /** The specification's payload: {@code {"event", "timestamp", "data"}}, fields in that order. */
    static String payload(ServerEvent event) {
        JsonObjectBuilder data = Json.createObjectBuilder();
        for (Map.Entry<String, Object> field : event.data().entrySet()) {
            Object value = field.getValue();
            if (value == null) {
                data.addNull(field.getKey());
            } else if (value instanceof Collection<?> list) {
                JsonArrayBuilder array = Json.createArrayBuilder();
                list.forEach(item -> array.add(String.valueOf(item)));
                data.add(field.getKey(), array);
            } else if (value instanceof Long || value instanceof Integer) {
                data.add(field.getKey(), ((Number) value).longValue());
            } else if (value instanceof Boolean flag) {
                data.add(field.getKey(), flag);
            } else {
                data.add(field.getKey(), value.toString());
            }
        }
        return Json.createObjectBuilder()
                .add("event", event.event())
                .add("timestamp", DateTimeFormatter.ISO_INSTANT.format(event.timestamp().truncatedTo(ChronoUnit.SECONDS)))
                .add("data", data)
                .build().toString();
    }
}
