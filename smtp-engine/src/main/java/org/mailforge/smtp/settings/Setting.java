package org.mailforge.smtp.settings;

import java.util.Locale;
import java.util.Optional;

/**
 * One entry of the settings catalogue: a constant of its area's enum ({@link ListenerSetting},
 * {@link StorageSetting}, ...), whose {@link Spec} gives its variable, default, rule and
 * description. Everything that reads a setting reads it through its constant (the application
 * with {@link SettingsReader}, the adapter's activation spec with {@link #problem} and the typed
 * readers below), and {@code docs/configuration.md} is generated from the catalogue.
 */
public interface Setting {

    Spec spec();

    /** The constant's name within its area. */
    String name();

    /** The environment variable an administrator sets. */
    default String variable() {
        return spec().variable();
    }

    /** The resource adapter's activation-spec property server.xml hands it to, or null. */
    default String property() {
        return spec().property();
    }

    /** The value when the variable is not set; null for none. */
    default String defaultValue() {
        return spec().defaultValue();
    }

    /** The value to use: the default when {@code raw} is null or blank, else {@code raw} stripped. */
    default String orDefault(String raw) {
        return raw == null || raw.isBlank() ? defaultValue() : raw.strip();
    }

    /** Why {@code raw} (null or blank: the default) is not acceptable, as "SMTP_PORT must ..."; empty when it is. */
    default Optional<String> problem(String raw) {
        String value = orDefault(raw);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        return spec().rule().problem(value).map(rule -> variable() + " " + rule + " (was '" + value + "')");
    }

    /** {@code raw} (or the default) as a number; call only with a value {@link #problem} accepts. */
    default long number(String raw) {
        return Long.parseLong(orDefault(raw));
    }

    /** {@code raw} (or the default) as a whole number of the int range. */
    default int integer(String raw) {
        return Math.toIntExact(number(raw));
    }

    /** {@code raw} (or the default) as a yes/no setting: true, yes, on, 1 or false, no, off, 0. */
    default boolean bool(String raw) {
        String value = orDefault(raw);
        return value != null && Rule.TRUE_WORDS.contains(value.toLowerCase(Locale.ROOT));
    }
}
