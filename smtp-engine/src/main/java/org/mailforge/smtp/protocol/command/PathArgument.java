package org.mailforge.smtp.protocol.command;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The argument of MAIL FROM: and RCPT TO: split into the path inside angle brackets and the
 * ESMTP parameters after it ({@code KEY=VALUE} or a bare {@code KEY}, keys upper-cased).
 */
record PathArgument(String path, Map<String, String> parameters) {

    /** @return null when the argument does not start with {@code prefix} followed by a bracketed path */
    static PathArgument parse(String argument, String prefix) {
        if (!argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return null;
        }
        String rest = argument.substring(prefix.length()).stripLeading();
        if (!rest.startsWith("<")) {
            return null;
        }
        int close = closingBracket(rest);
        if (close < 0) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        String tail = rest.substring(close + 1);
        if (!tail.isEmpty() && !tail.startsWith(" ")) {
            return null;
        }
        for (String token : tail.strip().split(" +")) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            String key = (eq < 0 ? token : token.substring(0, eq)).toUpperCase(Locale.ROOT);
            if (key.isEmpty() || parameters.containsKey(key)) {
                return null;
            }
            parameters.put(key, eq < 0 ? null : token.substring(eq + 1));
        }
        return new PathArgument(rest.substring(1, close), parameters);
    }

    /** Index of the {@code >} closing the path, skipping quoted local parts; -1 if none. */
    private static int closingBracket(String text) {
        boolean quoted = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }
}
