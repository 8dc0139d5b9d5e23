package org.mailforge.smtp.protocol;

import java.text.Normalizer;
import java.util.Locale;

import org.mailforge.smtp.spi.UnsafeCharacters;

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

    /**
     * Why a path was refused: a syntax error, non-ASCII text without SMTPUTF8, or characters no
     * address may hold (controls, format and bidi controls, line separators).
     */
    public static final class InvalidPathException extends Exception {
        private final boolean needsUtf8;
        private final boolean badCharacters;

        InvalidPathException(String message, boolean needsUtf8) {
            this(message, needsUtf8, false);
        }

        InvalidPathException(String message, boolean needsUtf8, boolean badCharacters) {
            super(message);
            this.needsUtf8 = needsUtf8;
            this.badCharacters = badCharacters;
        }

        public boolean needsUtf8() {
            return needsUtf8;
        }

        public boolean badCharacters() {
            return badCharacters;
        }
    }

    /** The reply for a refused path: 553 5.1.3 for characters no address may hold, else {@code syntax}. */
    public static org.mailforge.smtp.spi.Reply refusal(InvalidPathException e, org.mailforge.smtp.spi.Reply syntax) {
        if (e.badCharacters()) {
            return org.mailforge.smtp.spi.Reply.of(553, "5.1.3", "Error: control, format or bidi characters in an address are not allowed");
        }
        return syntax;
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
        if (path.chars().anyMatch(UnsafeCharacters::isForbidden)) {
            throw new InvalidPathException("control, format or bidi characters", false, true);
        }
        boolean ascii = path.chars().allMatch(c -> c < 0x80);
        if (!ascii && !utf8Allowed) {
            throw new InvalidPathException("non-ASCII address requires SMTPUTF8", true);
        }
        if (!ascii) {
            // one spelling per address: what a mailbox is called must not depend on how the
            // client composed its characters (RFC 6530 10.1)
            local = Normalizer.normalize(local, Normalizer.Form.NFC);
            domain = Normalizer.normalize(domain, Normalizer.Form.NFC);
        }
        if (!isValidLocalPart(local)) {
            throw new InvalidPathException("invalid local part", false);
        }
        if (!isValidDomain(domain)) {
            throw new InvalidPathException("invalid domain", false);
        }
        if (!domain.startsWith("[")) {
            try {
                domain = org.mailforge.smtp.spi.Domains.canonical(domain); // one spelling for relay, mailbox and MX
            } catch (IllegalArgumentException e) {
                throw new InvalidPathException("invalid domain", false);
            }
        }
        return new MailPath(unquoted(local), domain.toLowerCase(Locale.ROOT));
    }

    /**
     * A quoted local part that needs no quotes is the same mailbox as its dot-atom
     * ({@code "alice"@example.com} is {@code alice@example.com}, RFC 5321 4.1.2); keep the quotes only
     * where they are needed.
     */
    private static String unquoted(String local) {
        if (!local.startsWith("\"")) {
            return local;
        }
        StringBuilder plain = new StringBuilder(local.length());
        for (int i = 1; i < local.length() - 1; i++) {
            char c = local.charAt(i);
            if (c == '\\') {
                c = local.charAt(++i);
            }
            plain.append(c);
        }
        String candidate = plain.toString();
        boolean dotAtom = !candidate.isEmpty() && !candidate.startsWith(".") && !candidate.endsWith(".")
                && !candidate.contains("..") && candidate.chars().allMatch(c -> c == '.' || isAtext(c));
        return dotAtom ? candidate : local;
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

    /**
     * What HELO/EHLO must give (RFC 5321 4.1.1.1): a domain (LDH or U-labels; underscores and a
     * single label are tolerated, as real clients send them) or an address literal in brackets.
     */
    public static boolean isValidHeloName(String name) {
        if (name.startsWith("[")) {
            return name.endsWith("]") && isAddressLiteral(name.substring(1, name.length() - 1));
        }
        String domain = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (domain.isEmpty() || domain.length() > 253 || domain.chars().anyMatch(UnsafeCharacters::isForbidden)) {
            return false;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63
                    || !label.chars().allMatch(c -> c == '-' || c == '_' || (c < 0x80 ? isAsciiLetterOrDigit(c) : Character.isLetterOrDigit(c)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetterOrDigit(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
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
