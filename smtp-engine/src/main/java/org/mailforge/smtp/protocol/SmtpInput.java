package org.mailforge.smtp.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Buffered reader of the client's byte stream, with the two framings SMTP needs: command lines and
 * dot-terminated message data. Memory is bounded whatever the client sends.
 *
 * <p>Before it blocks on the socket it runs {@code beforeBlocking}: the session flushes its pending
 * replies there, which is exactly the RFC 2920 rule for pipelined replies, and sets how long this
 * read may wait (or ends the session when its time is up). Every read of the session passes there:
 * command lines, DATA, BDAT and AUTH exchanges alike.
 */
public final class SmtpInput {

    private final InputStream in;
    private final BeforeRead beforeBlocking;
    /**
     * What a session holds while it waits for commands: with thousands of idle sessions, the
     * buffers are most of their memory. Message data is read through a larger one, given back
     * when the data has been read.
     */
    static final int COMMAND_BUFFER = 1024;
    static final int DATA_BUFFER = 16 * 1024;
    private byte[] buffer = new byte[COMMAND_BUFFER];
    private int position;
    private int limit;

    /** Runs before each read that may block; it may refuse the read by throwing. */
    @FunctionalInterface
    public interface BeforeRead {
        void run() throws IOException;
    }

    public SmtpInput(InputStream in, BeforeRead beforeBlocking) {
        this.in = in;
        this.beforeBlocking = beforeBlocking;
    }

    /** Drops whatever the client sent ahead; used after STARTTLS (no injection across TLS). */
    public void discardBuffered() {
        position = limit;
    }

    /**
     * The rest of the input as a plain stream: what is buffered, then the connection. For a
     * session that stops reading commands and hands the connection to someone else (ATRN).
     */
    public InputStream remaining() {
        return new java.io.SequenceInputStream(
                new java.io.ByteArrayInputStream(buffer, position, limit - position), in);
    }

    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        beforeBlocking.run();
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /**
     * Reads one command line terminated by CRLF (a bare LF is tolerated, as most servers do).
     *
     * @return the line without its terminator, decoded as UTF-8; null at end of stream
     * @throws LineTooLongException when the line exceeded {@code maxLength} octets including CRLF;
     *         the whole line has then been consumed
     */
    public String readLine(int maxLength) throws IOException {
        byte[] line = new byte[128];
        int length = 0;
        boolean tooLong = false;
        while (true) {
            if (!fill()) {
                return null;
            }
            while (position < limit) {
                byte b = buffer[position++];
                if (b == '\n') {
                    if (length > 0 && line[length - 1] == '\r') {
                        length--;
                    }
                    if (tooLong) {
                        throw new LineTooLongException(maxLength);
                    }
                    return new String(line, 0, length, StandardCharsets.UTF_8);
                }
                if (tooLong) {
                    continue;
                }
                // maxLength counts the CRLF; a trailing CR is allowed one octet of slack
                if (length >= maxLength - 1 && !(length == maxLength - 1 && b == '\r')) {
                    tooLong = true;
                    continue;
                }
                if (length == line.length) {
                    line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, maxLength + 1));
                }
                line[length++] = b;
            }
        }
    }

    /**
     * Reads message data up to and including the terminating {@code CRLF.CRLF}, removes dot-stuffing
     * and writes the content (with its final CRLF) to {@code sink}, stopping writes beyond
     * {@code maxSize} octets but always reading to the end so the session stays in step.
     *
     * <p>Only {@code <CRLF>.<CRLF>} ends the data. A bare CR or LF anywhere is recorded; the caller
     * rejects such messages, which closes the door on SMTP smuggling (a second message hidden behind
     * {@code <LF>.<LF>} or {@code <LF>.<CRLF>} for a downstream server that reads lines differently).
     */
    public DataResult readData(OutputStream sink, long maxSize) throws IOException {
        resize(DATA_BUFFER);
        try {
            return readDataLines(sink, maxSize);
        } finally {
            resize(COMMAND_BUFFER);
        }
    }

    /** Moves what is buffered into a buffer of {@code size} octets, if it fits there. */
    private void resize(int size) {
        int pending = limit - position;
        if (buffer.length == size || pending > size) {
            return;
        }
        byte[] resized = new byte[size];
        System.arraycopy(buffer, position, resized, 0, pending);
        buffer = resized;
        position = 0;
        limit = pending;
    }

    private DataResult readDataLines(OutputStream sink, long maxSize) throws IOException {
        final int lineStart = 0, middle = 1, sawCr = 2, sawDot = 3, sawDotCr = 4;
        BoundedSink content = new BoundedSink(sink, maxSize);
        int state = lineStart;
        boolean bareLineEnding = false;
        boolean nul = false;
        while (true) {
            if (!fill()) {
                throw new java.io.EOFException("connection closed during DATA");
            }
            while (position < limit) {
                byte b = buffer[position++];
                switch (state) {
                    case lineStart -> {
                        if (b == '.') {
                            state = sawDot;
                            continue;
                        }
                    }
                    case sawDot -> {
                        if (b == '\r') {
                            state = sawDotCr;
                            continue;
                        }
                        // a dot-stuffed line: the leading dot is dropped (RFC 5321 4.5.2)
                    }
                    case sawDotCr -> {
                        if (b == '\n') {
                            content.flush();
                            return new DataResult(content.size, content.exceeded, bareLineEnding, nul,
                                    Math.max(content.longestLine, content.lineLength));
                        }
                        bareLineEnding = true; // ".<CR>x": the CR was bare
                        content.write('\r');
                    }
                    case sawCr -> {
                        if (b == '\n') {
                            content.write('\n');
                            state = lineStart;
                            continue;
                        }
                        bareLineEnding = true; // the CR before b was bare
                    }
                    default -> {
                    }
                }
                if (b == '\r') {
                    state = sawCr;
                } else {
                    state = middle;
                    bareLineEnding |= b == '\n';
                    nul |= b == 0;
                }
                content.write(b);
            }
        }
    }

    /** Batches content octets into the sink and stops writing (but keeps counting) past the limit. */
    private static final class BoundedSink {
        private final OutputStream sink;
        private final long maxSize;
        private final byte[] batch = new byte[8192];
        private int length;
        long size;
        boolean exceeded;
        /** Octets of the current line so far, and the longest line seen (both with their line ending). */
        long lineLength;
        long longestLine;

        BoundedSink(OutputStream sink, long maxSize) {
            this.sink = sink;
            this.maxSize = maxSize;
        }

        void write(int b) throws IOException {
            if (length == batch.length) {
                flush();
            }
            batch[length++] = (byte) b;
            lineLength++;
            if (b == '\n') {
                longestLine = Math.max(longestLine, lineLength);
                lineLength = 0;
            }
        }

        void flush() throws IOException {
            size += length;
            exceeded |= size > maxSize;
            if (!exceeded && length > 0) {
                sink.write(batch, 0, length);
            }
            length = 0;
        }
    }

    /**
     * Reads exactly {@code size} octets of a BDAT chunk (RFC 3030) and writes them unchanged to
     * {@code sink}, except that nothing beyond {@code allowance} octets is written; the whole chunk
     * is always consumed so the session stays in step.
     *
     * @return whether the chunk fitted into the allowance
     */
    public boolean readChunk(OutputStream sink, long size, long allowance) throws IOException {
        if (size > COMMAND_BUFFER) {
            resize(DATA_BUFFER);
        }
        try {
            return readChunkOctets(sink, size, allowance);
        } finally {
            resize(COMMAND_BUFFER);
        }
    }

    private boolean readChunkOctets(OutputStream sink, long size, long allowance) throws IOException {
        long remaining = size;
        boolean fits = size <= allowance;
        while (remaining > 0) {
            if (!fill()) {
                throw new java.io.EOFException("connection closed during BDAT");
            }
            int n = (int) Math.min(remaining, limit - position);
            if (fits) {
                sink.write(buffer, position, n);
            }
            position += n;
            remaining -= n;
        }
        return fits;
    }

    /**
     * Outcome of reading message data.
     *
     * @param size           octets of content after dot-unstuffing
     * @param exceeded       the content was larger than allowed (and was not all written)
     * @param bareLineEnding a CR or LF appeared outside a CRLF pair
     * @param nul            a NUL octet appeared (not text: RFC 5322 2.3, RFC 6152; only BINARYMIME, which we do not offer, carries it)
     * @param longestLine    octets of the longest line, its CRLF included (after dot-unstuffing)
     */
    public record DataResult(long size, boolean exceeded, boolean bareLineEnding, boolean nul, long longestLine) {
    }
}
