package org.mailforge.smtp.protocol;

import java.util.Locale;

/**
 * An RFC 5321 mailbox ({@code local-part@domain}) as it appears in a reverse or forward path.
 * The domain is kept in lower case; the local part exactly as sent (it may be case-sensitive).
 */
public record MailPath(String localPart, String domain) {

    /** The null reverse path {@code <>} used by bounces. */
    public static final MailPath NULL = new MailPath("", "");

    public boolean isNull() {
        return localPart.isEmpty() && domain.isEmpty();
    }

    public String address() {
        return isNull() ? "" : localPart + "@" + domain;
    }

    public boolean isAscii() {
        return address().chars().allMatch(c -> c < 0x80);
    }

    @Override
    public String toString() {
        return "<" + address() + ">";
    }

    /** Why a path was refused: a syntax error, or non-ASCII text without SMTPUTF8. */
    public static final class InvalidPathException extends Exception {
        private final boolean needsUtf8;

        InvalidPathException(String message, boolean needsUtf8) {
            super(message);
            this.needsUtf8 = needsUtf8;
        }

        public boolean needsUtf8() {
            return needsUtf8;
        }
    }

    /**
     * Parses the mailbox inside angle brackets (without them). Source routes ({@code @a,@b:})
     * are accepted and ignored as RFC 5321 4.1.2 requires.
     */
    public static MailPath parse(String text, boolean utf8Allowed) throws InvalidPathException {
        String path = text;
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            if (colon < 0) {
                throw new InvalidPathException("malformed source route", false);
            }
            path = path.substring(colon + 1);
        }
        if (path.length() > 254) {
            throw new InvalidPathException("path too long", false);
        }
        int at = path.lastIndexOf('@');
        if (at <= 0 || at == path.length() - 1) {
            throw new InvalidPathException("address must be local-part@domain", false);
        }
        String local = path.substring(0, at);
        String domain = path.substring(at + 1);
        boolean ascii = path.chars().allMatch(c -> c < 0x80);
        if (!ascii && !utf8Allowed) {
            throw new InvalidPathException("non-ASCII address requires SMTPUTF8", true);
        }
        if (!isValidLocalPart(local)) {
            throw new InvalidPathException("invalid local part", false);
        }
        if (!isValidDomain(domain)) {
            throw new InvalidPathException("invalid domain", false);
        }
        return new MailPath(local, domain.toLowerCase(Locale.ROOT));
    }

    private static boolean isValidLocalPart(String local) {
        if (local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            return false;
        }
        if (local.startsWith("\"")) {
            return isQuotedString(local);
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        return local.chars().allMatch(c -> c == '.' || isAtext(c));
    }

    private static boolean isQuotedString(String s) {
        if (s.length() < 2 || !s.endsWith("\"")) {
            return false;
        }
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= s.length() - 1 || s.charAt(i) < 32 || s.charAt(i) > 126) {
                    return false;
                }
            } else if (c == '"' || (c < 32) || c == 127) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAtext(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c >= 0x80;
    }

    private static boolean isValidDomain(String domain) {
        if (domain.startsWith("[")) {
            return domain.endsWith("]") && isAddressLiteral(domain.substring(1, domain.length() - 1));
        }
        if (domain.length() > 253 || domain.endsWith(".")) {
            return false;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            if (!label.chars().allMatch(c -> Character.isLetterOrDigit(c) && (c < 0x80 ? c <= 'z' : true) || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAddressLiteral(String literal) {
        if (literal.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return literal.substring(5).matches("[0-9A-Fa-f:.]{2,45}");
        }
        String[] parts = literal.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("\\d{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
