package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.io.InputStream;

import org.mailforge.smtp.spi.MessageContent;

/** Content of a known size whose octets are opened afresh for every stream (a file, an object, a stored form). */
final class LazyContent implements MessageContent {

    /** Opens a new stream over the content. */
    interface Opener {
        InputStream open() throws IOException;
    }

    private final long size;
    private final Opener opener;

    LazyContent(long size, Opener opener) {
        this.size = size;
        this.opener = opener;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public InputStream openStream() throws IOException {
        return opener.open();
    }
}
