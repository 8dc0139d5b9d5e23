package org.mailforge.smtp.spi;

import java.io.Serializable;
import java.util.List;

/**
 * One SMTP reply: a three-digit code, an RFC 3463 enhanced status code and human-readable text.
 * A reply with several lines renders as a multi-line response ({@code 250-...}, last {@code 250 ...}).
 */
public record Reply(int code, String status, List<String> lines) implements Serializable {

    public Reply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("SMTP reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
    }

    public static Reply of(int code, String status, String text) {
        return new Reply(code, status, List.of(text));
    }

    /** Renders the reply as it goes on the wire, CRLF-terminated. */
    public String render() {
        StringBuilder out = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            out.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            // The enhanced code goes on every line (RFC 2034); greetings and EHLO keyword lines
            // carry none, which callers signal with a null status.
            if (status != null) {
                out.append(status).append(' ');
            }
            out.append(lines.get(i)).append("\r\n");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return code + (status == null ? "" : " " + status) + " " + String.join(" / ", lines);
    }
}
