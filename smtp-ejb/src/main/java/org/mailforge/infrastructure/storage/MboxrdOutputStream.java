package org.mailforge.infrastructure.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a message body in mboxrd form: CRLF becomes LF (Unix mbox), and every line that starts
 * with zero or more {@code >} followed by {@code From } gets one more {@code >}, so readers can
 * undo the quoting exactly. Streams with constant memory whatever the line length: a run of
 * {@code >} at a line start is counted, not buffered, so 50 MB of them cost a counter.
 */
final class MboxrdOutputStream extends FilterOutputStream {

    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    private static final byte[] QUOTES = new byte[256];

    static {
        java.util.Arrays.fill(QUOTES, (byte) '>');
    }

    /** The line start held back until we know whether it is a From line: quotes, then part of "From ". */
    private long pendingQuotes;
    private boolean lineStart = true;
    private boolean pendingCr;
    private int fromMatched;
    private int last = '\n';

    MboxrdOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        b &= 0xff;
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                emit('\n');
                return;
            }
            emit('\r'); // a bare CR stays
        }
        if (b == '\r') {
            flushPrefix();
            pendingCr = true;
            return;
        }
        if (lineStart) {
            if (b == '>' && fromMatched == 0) {
                pendingQuotes++;
                return;
            }
            if (b == FROM[fromMatched]) {
                if (++fromMatched == FROM.length) {
                    emit('>');
                    flushPrefix();
                }
                return;
            }
            flushPrefix();
            emit(b);
            return;
        }
        emit(b);
    }

    /** Octets in the middle of a line pass through in bulk; line ends and line starts go one by one. */
    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            if (!pendingCr && !lineStart) { // mid-line: nothing to quote, nothing pending
                int run = i;
                while (run < end && bytes[run] != '\r' && bytes[run] != '\n') {
                    run++;
                }
                if (run > i) {
                    out.write(bytes, i, run - i);
                    last = bytes[run - 1] & 0xff;
                    i = run;
                    continue;
                }
            }
            write(bytes[i++]);
        }
    }

    private void flushPrefix() throws IOException {
        lineStart = false;
        while (pendingQuotes > 0) {
            int n = (int) Math.min(pendingQuotes, QUOTES.length);
            out.write(QUOTES, 0, n);
            last = '>';
            pendingQuotes -= n;
        }
        if (fromMatched > 0) {
            out.write(FROM, 0, fromMatched);
            last = FROM[fromMatched - 1];
            fromMatched = 0;
        }
    }

    private void emit(int b) throws IOException {
        out.write(b);
        last = b;
        if (b == '\n') {
            lineStart = true;
        }
    }

    /** Ends the message: pending octets, a final newline if missing, and the separating empty line. */
    void finish() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            emit('\r');
        }
        if (pendingQuotes > 0 || fromMatched > 0) {
            flushPrefix();
        }
        if (last != '\n') {
            emit('\n');
        }
        emit('\n');
        out.flush();
    }

    @Override
    public void close() throws IOException {
        finish();
        super.close();
    }
}
