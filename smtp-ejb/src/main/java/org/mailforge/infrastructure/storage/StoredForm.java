package org.mailforge.infrastructure.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;

import org.mailforge.smtp.spi.MessageContent;

/**
 * A message as every store keeps it: a {@code Return-Path} header with the envelope sender
 * (RFC 5321 4.4, added at final delivery), then the message exactly as received.
 */
final class StoredForm {

    private final byte[] returnPath;
    private final MessageContent content;

    /** @param returnPath the envelope sender, empty for the null sender */
    StoredForm(String returnPath, MessageContent content) {
        this.returnPath = ("Return-Path: <" + returnPath + ">\r\n").getBytes(StandardCharsets.UTF_8);
        this.content = content;
    }

    long size() {
        return returnPath.length + content.size();
    }

    InputStream openStream() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(returnPath), content.openStream());
    }

    /** The stored form as content of its own (for stores that take a stream and a length). */
    MessageContent asContent() {
        return new LazyContent(size(), this::openStream);
    }

    /** {@code length} octets of {@code content} from {@code offset}: one part of a multipart upload. */
    static InputStream openRange(MessageContent content, long offset, long length) throws IOException {
        InputStream in = content.openStream();
        try {
            in.skipNBytes(offset);
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new BoundedInputStream(in, length);
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(returnPath);
        try (InputStream in = content.openStream()) {
            in.transferTo(out);
        }
    }

    byte[] readAllBytes() throws IOException {
        try (InputStream in = openStream()) {
            return in.readAllBytes();
        }
    }

    /** Reads at most a given number of octets of an underlying stream, and closes it. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {

        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), remaining);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
