package org.mailforge.interfaces.rest;

import org.mailforge.domain.user.UserValidation;

/** Query parameters the API validates alike everywhere: a bad value is a 400 naming the parameter. */
public final class QueryParameters {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private QueryParameters() {
    }

    /** A whole number from {@code min} to {@code max}, or {@code defaultValue} when absent. */
    public static int integer(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserValidation.InvalidFieldException(name, name + " must be a whole number from " + min + " to " + max);
    }

    public static int offset(String value) {
        return integer("offset", value, 0, 0, Integer.MAX_VALUE);
    }

    public static int limit(String value) {
        return integer("limit", value, DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    /**
     * Free text to filter by, stripped; null when absent or blank. Longer than {@code maxLength}
     * or holding control characters is a 400.
     */
    public static String text(String name, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.length() > maxLength || text.chars().anyMatch(Character::isISOControl)) {
            throw new UserValidation.InvalidFieldException(name, name + " must be at most " + maxLength
                    + " characters without control characters");
        }
        return text;
    }
}
