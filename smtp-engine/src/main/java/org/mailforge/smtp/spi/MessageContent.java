package org.mailforge.smtp.spi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;

/**
 * The bytes of one received message (trace header included), exactly as they will be stored.
 * Small messages live in memory, large ones in a spool file; either way the content can be read
 * any number of times until the session releases it.
 */
public interface MessageContent {

    /** Size in octets. */
    long size();

    /** A fresh stream over the whole message. The caller closes it. */
    InputStream openStream() throws IOException;

    /** Copies the whole message to {@code out}. */
    default void writeTo(OutputStream out) throws IOException {
        try (InputStream in = openStream()) {
            in.transferTo(out);
        }
    }

    /**
     * Header lines put in front of a message without copying it (a Return-Path at final delivery,
     * the X-Spam headers of a scan).
     *
     * @param header complete lines, each ending in CRLF
     */
    static MessageContent prefixed(byte[] header, MessageContent content) {
        byte[] lines = header.clone();
        return new MessageContent() {
            @Override
            public long size() {
                return lines.length + content.size();
            }

            @Override
            public InputStream openStream() throws IOException {
                return new SequenceInputStream(new ByteArrayInputStream(lines), content.openStream());
            }
        };
    }

    /** Content held in memory (generated messages such as bounces, and tests). */
    static MessageContent of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new MessageContent() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public InputStream openStream() {
                return new java.io.ByteArrayInputStream(copy);
            }
        };
    }
}
