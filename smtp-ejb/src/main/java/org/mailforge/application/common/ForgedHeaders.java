package org.mailforge.application.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.mailforge.smtp.spi.MessageContent;

/**
 * Removes from a received message the header fields that only this server may write: the spam
 * verdict ({@code X-Spam-*}), the scan note ({@code X-Mailforge-Scan}) and an
 * {@code Authentication-Results:} whose authserv-id (RFC 8601 2.2, 5) is one of ours: this
 * server's or another node's name ({@code SMTP_AUTHSERV_IDS}). The authserv-id is parsed as RFC
 * 8601 writes it: after white space and comments (nested, with quoted-pairs, a {@code ;} inside
 * them ends nothing), a token or a quoted-string, compared without regard to case. A field whose
 * authserv-id cannot be read is removed too. A sender's own {@code X-Spam-Flag: NO} would
 * otherwise sit beside ours, and many filters read any of them. Other servers'
 * {@code Authentication-Results:} stay.
 *
 * <p>Streaming, constant memory: one pass over the header block finds out whether there is
 * anything to remove (and how many octets); only then is the content read through the filter.
 * The body is never looked at.
 */
public final class ForgedHeaders {

    /**
     * A field name longer than this is no field of ours: it passes, unless what was read of it is
     * one of our names (then it can only be padded to hide from us, and is removed).
     */
    private static final int MAX_NAME = 64;
    /** An Authentication-Results field is held back until its authserv-id is read: at most this much of it. */
    private static final int MAX_HOLD = 998;
    private static final String AUTHENTICATION_RESULTS = "authentication-results";

    private ForgedHeaders() {
    }

    /** Whether a field of this name is ours alone. */
    static boolean ours(String name) {
        String lower = name.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("x-spam-") || lower.equals("x-mailforge-scan");
    }

    /** Whether a name cut at MAX_NAME octets may be one of ours with its colon still to come. */
    private static boolean couldBeOurs(String start) {
        String lower = start.toLowerCase(Locale.ROOT);
        return AUTHENTICATION_RESULTS.startsWith(lower) || "x-mailforge-scan".startsWith(lower)
                || lower.startsWith("x-spam-") || "x-spam-".startsWith(lower);
    }

    /**
     * The content without forged verdict headers; the same object when there are none.
     *
     * @param authservIds the names in Authentication-Results that are ours, in lower case
     */
    public static MessageContent strip(MessageContent content, java.util.Set<String> authservIds) throws IOException {
        long removed = 0;
        try (InputStream in = content.openStream()) {
            Filter filter = new Filter(authservIds);
            byte[] chunk = new byte[4096];
            int n;
            while (!filter.inBody() && (n = in.read(chunk)) > 0) {
                for (int i = 0; i < n && !filter.inBody(); i++) {
                    removed += 1 - filter.accept(chunk[i]);
                }
            }
            removed -= filter.finish();
        }
        if (removed == 0) {
            return content;
        }
        long size = content.size() - removed;
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream openStream() throws IOException {
                return new FilteredInput(content.openStream(), authservIds);
            }
        };
    }

    /**
     * The header-block state machine: takes octets one at a time and says how many come out now
     * (a held-back field name comes out once it is known to pass).
     */
    private static final class Filter {
        private final java.util.Set<String> authservId;
        private final byte[] name = new byte[MAX_NAME];
        private int nameLength;
        private boolean lineStart = true;
        private boolean collecting;
        private boolean dropping;      // the current field (and its continuation lines) is removed
        private boolean pendingCr;     // a CR at a line start: the blank line, if LF follows
        private boolean body;
        private boolean holding;       // an Authentication-Results field whose authserv-id is not read yet
        private final byte[] hold = new byte[MAX_HOLD];
        private int holdLength;
        private int commentDepth;      // inside the held field: comment nesting,
        private boolean quoted;        // a quoted-string,
        private boolean escaped;       // the octet after a backslash
        /** Octets released by the last call, in order: held-back octets, then the octet itself. */
        final byte[] out = new byte[MAX_HOLD + MAX_NAME + 2];
        int outLength;

        Filter(java.util.Set<String> authservId) {
            this.authservId = authservId;
        }

        boolean inBody() {
            return body;
        }

        /** Feeds one octet; returns how many octets leave (they are in {@link #out}). */
        int accept(byte b) {
            outLength = 0;
            if (body) {
                return emit(b);
            }
            if (holding) {
                if (!lineStart || b == ' ' || b == '\t') {
                    lineStart = false;
                    hold[holdLength++] = b;
                    if (b == '\n') {
                        lineStart = true;
                    }
                    if (idEnds(b)) {
                        decide(false);
                    } else if (holdLength == MAX_HOLD) {
                        decide(true);
                    }
                    return outLength;
                }
                decide(false); // the field ended before a ';': decided on what it holds, then this octet as usual
            }
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    body = true; // CRLF CRLF: the header block ended
                    emit('\r');
                    emit(b);
                    return outLength;
                }
                emit('\r'); // a bare CR at a line start: text of a line of its own
                lineStart = false;
                dropping = false;
            }
            if (lineStart) {
                lineStart = false;
                if (b == '\r') {
                    pendingCr = true;
                    return outLength;
                }
                if (b == '\n') {
                    body = true;
                    emit(b);
                    return outLength;
                }
                if (b == ' ' || b == '\t') {
                    // a continuation line belongs to the field before it
                    return dropping ? outLength : emit(b);
                }
                dropping = false;
                collecting = true;
                nameLength = 0;
            }
            if (collecting) {
                if (b == ':' || b == '\n' || nameLength == MAX_NAME) {
                    collecting = false;
                    // as Jakarta Mail and mime4j read it: white space and control octets around the name do not count
                    String fieldName = new String(name, 0, nameLength, StandardCharsets.ISO_8859_1).trim();
                    if (b != ':' && b != '\n' && couldBeOurs(fieldName)) {
                        // one of our names padded past MAX_NAME (43 spaces before the colon): no honest field, removed
                        dropping = true;
                        return outLength;
                    }
                    if (b == ':' && fieldName.equalsIgnoreCase(AUTHENTICATION_RESULTS)) {
                        System.arraycopy(name, 0, hold, 0, nameLength);
                        hold[nameLength] = b;
                        holdLength = nameLength + 1;
                        holding = true;
                        commentDepth = 0;
                        quoted = false;
                        escaped = false;
                        return outLength;
                    }
                    dropping = b == ':' && ours(fieldName);
                    if (!dropping) {
                        System.arraycopy(name, 0, out, outLength, nameLength);
                        outLength += nameLength;
                    }
                } else {
                    name[nameLength++] = b;
                    return outLength;
                }
            }
            if (!dropping) {
                emit(b);
            }
            if (b == '\n') {
                lineStart = true;
            }
            return outLength;
        }

        /** Whether this octet of the held field is the {@code ;} after the authserv-id: outside comments and quotes. */
        private boolean idEnds(byte b) {
            if (escaped) {
                escaped = false;
            } else if (b == '\\' && (quoted || commentDepth > 0)) {
                escaped = true;
            } else if (quoted) {
                quoted = b != '"';
            } else if (b == '(') {
                commentDepth++;
            } else if (b == ')' && commentDepth > 0) {
                commentDepth--;
            } else if (b == '"' && commentDepth == 0) {
                quoted = true;
            } else {
                return b == ';' && commentDepth == 0;
            }
            return false;
        }

        /**
         * The held Authentication-Results field: removed when it names us, released otherwise.
         * One so long that its authserv-id is not read whole within {@link #MAX_HOLD} octets
         * ({@code cut}) is no honest field: it is removed too.
         */
        private void decide(boolean cut) {
            holding = false;
            String id = authservId(hold, holdLength, cut);
            dropping = id == null || authservId.contains(normalized(id));
            if (!dropping) {
                System.arraycopy(hold, 0, out, outLength, holdLength);
                outLength += holdLength;
            }
            holdLength = 0;
        }

        /** At the end of the content: what is still held back comes out. */
        int finish() {
            outLength = 0;
            if (holding) {
                decide(false);
            }
            if (collecting && !dropping) {
                System.arraycopy(name, 0, out, outLength, nameLength);
                outLength += nameLength;
                collecting = false;
            }
            if (pendingCr) {
                pendingCr = false;
                out[outLength++] = '\r';
            }
            return outLength;
        }

        private int emit(int b) {
            out[outLength++] = (byte) b;
            return outLength;
        }
    }

    /** An authserv-id as compared: lower case, without a trailing dot. */
    public static String normalized(String id) {
        String lower = id.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /**
     * The authserv-id of a held {@code Authentication-Results} field (name, colon, value), RFC
     * 8601's {@code [CFWS] authserv-id}: white space, line breaks and comments (nested, with
     * quoted-pairs) skipped, then a token or a quoted-string (its quoted-pairs undone). Null when
     * it cannot be read: empty, an unclosed comment or quote, or the field {@code cut} before the
     * authserv-id ended.
     */
    static String authservId(byte[] field, int length, boolean cut) {
        int i = 0;
        while (i < length && field[i] != ':') {
            i++;
        }
        i++;
        int depth = 0;
        for (; i < length; i++) {
            byte c = field[i];
            if (depth > 0 && c == '\\') {
                i++; // a quoted-pair inside a comment
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
        }
        if (i >= length) {
            return null;
        }
        StringBuilder id = new StringBuilder();
        if (field[i] == '"') {
            for (i++; i < length && field[i] != '"'; i++) {
                if (field[i] == '\\' && i + 1 < length) {
                    i++;
                }
                if (field[i] != '\r' && field[i] != '\n') {
                    id.append((char) (field[i] & 0xff));
                }
            }
            if (i >= length) {
                return null; // the quote never closed
            }
        } else {
            for (; i < length && field[i] != ' ' && field[i] != '\t' && field[i] != '\r' && field[i] != '\n'
                    && field[i] != ';' && field[i] != '(' && field[i] != '"'; i++) {
                id.append((char) (field[i] & 0xff));
            }
            if (cut && i == length) {
                return null;
            }
        }
        String value = id.toString().strip();
        return value.isEmpty() ? null : value;
    }

    /** The content read through the filter. */
    private static final class FilteredInput extends InputStream {
        private final InputStream in;
        private final Filter filter;
        private int position;
        private int available;
        private boolean ended;

        FilteredInput(InputStream in, java.util.Set<String> authservId) {
            this.in = new java.io.BufferedInputStream(in, 8192);
            this.filter = new Filter(authservId);
        }

        @Override
        public int read() throws IOException {
            while (position == available) {
                if (ended) {
                    return -1;
                }
                if (filter.inBody()) {
                    return in.read(); // past the header block: the rest as it is
                }
                int b = in.read();
                available = b < 0 ? filter.finish() : filter.accept((byte) b);
                ended = b < 0;
                position = 0;
            }
            return filter.out[position++] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int n = 0;
            while (n < length) {
                if (position == available && filter.inBody()) {
                    int m = in.read(buffer, offset + n, length - n); // the body: straight from the source
                    return m < 0 ? (n == 0 ? -1 : n) : n + m;
                }
                int b = read();
                if (b < 0) {
                    return n == 0 ? -1 : n;
                }
                buffer[offset + n++] = (byte) b;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
