package org.mailforge.application.events;

import java.time.Instant;
import java.util.Map;

/**
 * Something that happened which administrators may want to hear about (spec: WebHooks).
 *
 * @param event     the event name, e.g. {@code message.received}
 * @param timestamp when it happened
 * @param data      the details: strings, numbers, booleans and lists of strings, in order
 */
public record ServerEvent(String event, Instant timestamp, Map<String, Object> data) {

    /** Details in the order given: {@code fields("message_id", id, "from", sender)}. */
    public static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }
}
