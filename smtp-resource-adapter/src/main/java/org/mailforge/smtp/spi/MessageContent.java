package org.mailforge.smtp.spi;

import java.io.IOException;
import java.io.InputStream;

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
