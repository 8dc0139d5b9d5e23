package org.mailforge.application.common;

/**
 * Client and peer text (logins, host names, remote replies) made safe for one log line: control,
 * format and line-separator characters are shown as {@code \\uXXXX}, so nobody can forge a log
 * line or hide text from the reader, and the text is cut at {@link #MAX_CHARS}.
 */
public final class LogText {

    static final int MAX_CHARS = 256;

    private LogText() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
        for (int i = 0; i < text.length() && out.length() < MAX_CHARS; i++) {
            char c = text.charAt(i);
            // the characters no address may hold are the ones no log line may show raw
            if (c == '\\' || org.mailforge.smtp.spi.UnsafeCharacters.isForbidden(c)) {
                out.append(c == '\\' ? "\\\\" : String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= MAX_CHARS && text.length() > MAX_CHARS) {
            out.append("...");
        }
        return out.toString();
    }
}
