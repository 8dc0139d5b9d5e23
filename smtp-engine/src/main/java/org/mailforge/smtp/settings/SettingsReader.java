package org.mailforge.smtp.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads settings of the catalogue from one source (MicroProfile Config, the environment) and
 * collects every problem, so that one failed start names all the variables to fix, not just the
 * first. A missing, blank or invalid value reads as the catalogue's default (the invalid one is
 * recorded as a problem).
 */
public final class SettingsReader {

    private final Function<String, Optional<String>> source;
    private final List<String> problems = new ArrayList<>();

    public SettingsReader(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /** Every problem so far, as "SMTP_PORT must ... (was '...')". */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** The value, stripped, or the default (null when the catalogue has none). */
    public String text(Setting setting) {
        String raw = source.apply(setting.variable()).orElse(null);
        Optional<String> problem = setting.problem(raw);
        problem.ifPresent(problems::add);
        return problem.isPresent() ? setting.defaultValue() : setting.orDefault(raw);
    }

    /** The value, or {@code fallback} when it is not set (a default computed from other settings). */
    public String text(Setting setting, String fallback) {
        String value = text(setting);
        return value == null ? fallback : value;
    }

    /** A choice ({@link Rule#oneOf}), in lower case. */
    public String word(Setting setting) {
        return present(setting).toLowerCase(Locale.ROOT);
    }

    public long number(Setting setting) {
        return Long.parseLong(present(setting));
    }

    /** The value of a setting the catalogue gives a default, so that it always has one. */
    private String present(Setting setting) {
        String value = text(setting);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(setting.variable() + " has no default in the catalogue: read it with text(setting, fallback)");
        }
        return value;
    }

    public int integer(Setting setting) {
        return Math.toIntExact(number(setting));
    }

    public boolean bool(Setting setting) {
        return setting.bool(text(setting));
    }

    /** A yes/no setting whose default is computed from other settings. */
    public boolean bool(Setting setting, boolean fallback) {
        String value = text(setting);
        return value == null ? fallback : setting.bool(value);
    }

    /** Records {@code problem} unless {@code condition} holds (a rule between settings). */
    public void require(boolean condition, String problem) {
        if (!condition) {
            problems.add(problem);
        }
    }
}
