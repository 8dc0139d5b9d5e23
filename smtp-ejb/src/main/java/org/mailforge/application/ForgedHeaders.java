package org.mailforge.application;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.mailforge.smtp.spi.MessageContent;

/**
 * Removes from a received message the header fields that only this server may write: the spam
 * verdict ({@code X-Spam-*}), the scan note ({@code X-Mailforge-Scan}) and an
 * {@code Authentication-Results:} that names this server as its authserv-id (RFC 8601 5). A
 * sender's own {@code X-Spam-Flag: NO} would otherwise sit beside ours, and many filters read any
 * of them. Other servers' {@code Authentication-Results:} stay.
 *
 * <p>Streaming, constant memory: one pass over the header block finds out whether there is
 * anything to remove (and how many octets); only then is the content read through the filter.
 * The body is never looked at.
 */
public final class ForgedHeaders {

    /** A field name longer than this is no field of ours: it passes. */
    private static final int MAX_NAME = 64;
    /** An Authentication-Results field is held back until its authserv-id is read: at most this much of it. */
    private static final int MAX_HOLD = 998;
    private static final String AUTHENTICATION_RESULTS = "authentication-results";

    private ForgedHeaders() {
    }

    /** Whether a field of this name is ours alone. */
    static boolean ours(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("x-spam-") || lower.equals("x-mailforge-scan");
    }

    /**
     * The content without forged verdict headers; the same object when there are none.
     *
     * @param authservId this server's name in Authentication-Results (its host name)
     */
    public static MessageContent strip(MessageContent content, String authservId) throws IOException {
        long removed = 0;
        try (InputStream in = content.openStream()) {
            Filter filter = new Filter(authservId);
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
                return new FilteredInput(content.openStream(), authservId);
            }
        };
    }

    /**
     * The header-block state machine: takes octets one at a time and says how many come out now
     * (a held-back field name comes out once it is known to pass).
     */
    private static final class Filter {
        private final String authservId;
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
        /** Octets released by the last call, in order: held-back octets, then the octet itself. */
        final byte[] out = new byte[MAX_HOLD + MAX_NAME + 2];
        int outLength;

        Filter(String authservId) {
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
                    if (b == ';' || holdLength == MAX_HOLD) {
                        decide(holdLength == MAX_HOLD && b != ';');
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
                    String fieldName = new String(name, 0, nameLength, StandardCharsets.ISO_8859_1);
                    if (b == ':' && fieldName.strip().equalsIgnoreCase(AUTHENTICATION_RESULTS)) {
                        System.arraycopy(name, 0, hold, 0, nameLength);
                        hold[nameLength] = b;
                        holdLength = nameLength + 1;
                        holding = true;
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

        /**
         * The held Authentication-Results field: removed when it names us, released otherwise.
         * One so long that its authserv-id is not read whole within {@link #MAX_HOLD} octets
         * ({@code cut}) is no honest field: it is removed too.
         */
        private void decide(boolean cut) {
            holding = false;
            String id = authservId(hold, holdLength, cut);
            dropping = id == null || authservId.equalsIgnoreCase(id);
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

    /**
     * The authserv-id of a held {@code Authentication-Results} field (name, colon, value): the
     * first token of the value after white space, line breaks and comments; null when the field
     * was {@code cut} before that token ended.
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
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
        }
        int start = i;
        while (i < length && field[i] != ' ' && field[i] != '\t' && field[i] != '\r' && field[i] != '\n'
                && field[i] != ';' && field[i] != '(') {
            i++;
        }
        return cut && i == length ? null : new String(field, start, i - start, StandardCharsets.ISO_8859_1);
    }

    /** The content read through the filter. */
    private static final class FilteredInput extends InputStream {
        private final InputStream in;
        private final Filter filter;
        private int position;
        private int available;
        private boolean ended;

        FilteredInput(InputStream in, String authservId) {
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
