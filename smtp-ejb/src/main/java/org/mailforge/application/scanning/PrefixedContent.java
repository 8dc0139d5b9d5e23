package org.mailforge.application.scanning;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

import org.mailforge.smtp.spi.MessageContent;

/** A message with header lines put in front of it, without copying the message. */
final class PrefixedContent implements MessageContent {

    private final byte[] prefix;
    private final MessageContent content;

    PrefixedContent(byte[] prefix, MessageContent content) {
        this.prefix = prefix.clone();
        this.content = content;
    }

    @Override
    public long size() {
        return prefix.length + content.size();
    }

    @Override
    public InputStream openStream() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(prefix), content.openStream());
    }
}
