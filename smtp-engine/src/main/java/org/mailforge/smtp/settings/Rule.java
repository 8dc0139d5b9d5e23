package org.mailforge.smtp.settings;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.mailforge.smtp.ratelimit.Cidr;

/** How a setting's value is checked, and how the configuration reference states that. */
public interface Rule {

    Set<String> TRUE_WORDS = Set.of("true", "yes", "on", "1");
    Set<String> FALSE_WORDS = Set.of("false", "no", "off", "0");

    /** Any text (its use may check more, e.g. a file that must be readable). */
    Rule ANY = rule("text", value -> Optional.empty());
    /** Any text that is not empty. */
    Rule TEXT = rule("text", value -> value.isBlank() ? Optional.of("must not be empty") : Optional.empty());
    Rule HOST_NAME = rule("host name", value -> value.isBlank() || value.chars().anyMatch(c -> c <= ' ')
            ? Optional.of("must be a host name") : Optional.empty());
    Rule BOOLEAN = rule("true or false", value -> TRUE_WORDS.contains(value.toLowerCase(Locale.ROOT))
            || FALSE_WORDS.contains(value.toLowerCase(Locale.ROOT)) ? Optional.empty() : Optional.of("must be true or false"));
    Rule CIDR_LIST = rule("networks (CIDR, comma-separated)", value -> {
        try {
            Cidr.parseList(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("must be IP networks in CIDR notation, comma-separated (" + e.getMessage() + ")");
        }
    });
    Rule PORT = range(1, 65_535);

    /** A whole number from {@code min} to {@code max}. */
    static Rule range(long min, long max) {
        return rule(max == Long.MAX_VALUE ? "at least " + min : min + "-" + max, value -> {
            try {
                long number = Long.parseLong(value);
                if (number >= min && number <= max) {
                    return Optional.empty();
                }
            } catch (NumberFormatException e) {
                // the same answer as out of range
            }
            return Optional.of("must be a whole number from " + min + " to " + max);
        });
    }

    /** One of a few words, in any case. */
    static Rule oneOf(String... words) {
        List<String> allowed = List.of(words);
        return rule(String.join(", ", allowed), value -> allowed.contains(value.toLowerCase(Locale.ROOT))
                ? Optional.empty() : Optional.of("must be one of " + String.join(", ", allowed)));
    }

    /**
     * One of these words, exactly as written: for a setting Liberty's configuration reads itself
     * to pick a file ({@code <include location="...-${VARIABLE}.xml"/>}), where {@code ON} would
     * name a file that is not there and the include would be skipped with a warning.
     */
    static Rule oneOfExactly(String... words) {
        List<String> allowed = List.of(words);
        return rule(String.join(", ", allowed), value -> allowed.contains(value)
                ? Optional.empty() : Optional.of("must be one of " + String.join(", ", allowed) + ", in lower case"));
    }

    private static Rule rule(String shown, java.util.function.Function<String, Optional<String>> check) {
        return new Rule() {
            @Override
            public Optional<String> problem(String value) {
                return check.apply(value);
            }

            @Override
            public String shown() {
                return shown;
            }
        };
    }

    /** What is wrong with {@code value} (never blank), as "must ..."; empty when nothing is. */
    Optional<String> problem(String value);

    /** The values allowed, for the configuration reference ("1-65535", "tag, reject, quarantine"). */
    String shown();
}
