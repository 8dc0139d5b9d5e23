package org.mailforge.domain.user;

import java.util.Locale;
import java.util.regex.Pattern;

/** The rules for user fields, shared by the REST API and user-cli. */
public final class UserValidation {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>(),;:\\\\\\[\\]]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
    public static final int MIN_PASSWORD_LENGTH = 8;
    public static final int MAX_PASSWORD_LENGTH = 1024;
    public static final long MAX_QUOTA_MB = 10L * 1024 * 1024;

    private UserValidation() {
    }

    /** A field that failed validation, with the reason. */
    public static final class InvalidFieldException extends IllegalArgumentException {
        private final String field;

        public InvalidFieldException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    public static String username(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new InvalidFieldException("username",
                    "username must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
        }
        return username;
    }

    /** Validates and normalises (lower case) an email address. */
    public static String email(String email) {
        String normalized = email == null ? null : email.strip().toLowerCase(Locale.ROOT);
        if (normalized == null || normalized.length() > 254 || !EMAIL.matcher(normalized).matches()) {
            throw new InvalidFieldException("email", "email must be a valid address like user@example.com");
        }
        return normalized;
    }

    public static char[] password(char[] password) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
            throw new InvalidFieldException("password",
                    "password must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters");
        }
        return password;
    }

    public static long quotaMb(Long quotaMb) {
        if (quotaMb == null || quotaMb < 0 || quotaMb > MAX_QUOTA_MB) {
            throw new InvalidFieldException("quota_mb", "quota_mb must be a whole number from 0 (unlimited) to " + MAX_QUOTA_MB);
        }
        return quotaMb;
    }
}
