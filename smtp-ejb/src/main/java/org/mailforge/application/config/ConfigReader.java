package org.mailforge.application.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.mailforge.smtp.spi.ListenerSetting;

/**
 * Reads typed settings by their environment-variable names and collects every problem, so that one
 * failed start names all the variables to fix, not just the first.
 */
final class ConfigReader {

    private final Function<String, Optional<String>> source;
    private final List<String> problems = new ArrayList<>();

    ConfigReader(Function<String, Optional<String>> source) {
        this.source = source;
    }

    List<String> problems() {
        return problems;
    }

    private Optional<String> raw(String name) {
        return source.apply(name).map(String::strip).filter(v -> !v.isEmpty());
    }

    /**
     * A setting the SMTP listener shares (its default and rule are the listener's): the value, or
     * the default when it is missing or wrong (then a problem is recorded).
     */
    String listener(ListenerSetting setting) {
        String value = source.apply(setting.variable()).orElse(null);
        Optional<String> problem = setting.problem(value);
        problem.ifPresent(problems::add);
        return problem.isPresent() ? setting.defaultValue() : setting.orDefault(value);
    }

    int listenerInt(ListenerSetting setting) {
        return setting.integer(listener(setting));
    }

    boolean listenerBool(ListenerSetting setting) {
        return setting.bool(listener(setting));
    }

    String string(String name, String defaultValue) {
        return raw(name).orElse(defaultValue);
    }

    long number(String name, long defaultValue, long min, long max) {
        Optional<String> value = raw(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.get());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(name + " must be a whole number from " + min + " to " + max + " (was '" + value.get() + "')");
        return defaultValue;
    }

    int port(String name, int defaultValue) {
        return (int) number(name, defaultValue, 1, 65_535);
    }

    boolean bool(String name, boolean defaultValue) {
        Optional<String> value = raw(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        switch (value.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> {
                return true;
            }
            case "false", "no", "off", "0" -> {
                return false;
            }
            default -> {
                problems.add(name + " must be true or false (was '" + value.get() + "')");
                return defaultValue;
            }
        }
    }

    String choice(String name, String defaultValue, List<String> allowed) {
        String value = string(name, defaultValue).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            problems.add(name + " must be one of " + String.join(", ", allowed) + " (was '" + value + "')");
            return defaultValue;
        }
        return value;
    }

    void require(boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }
}
