package org.mailforge.smtp.protocol;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes message octets through and notes whether a CR or LF ever stood outside a CRLF pair,
 * across any number of writes (BDAT chunks). Without BINARYMIME, BDAT content is CRLF text just
 * as DATA's is, so the same rule refuses it: a bare line ending is how a second message is
 * smuggled past a server that reads lines differently.
 */
public final class LineEndings extends FilterOutputStream {

    private boolean pendingCr;
    private boolean bare;

    public LineEndings(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        note((byte) b);
        out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            note(bytes[i]);
        }
        out.write(bytes, offset, length);
    }

    private void note(byte b) {
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                return;
            }
            bare = true; // the CR before b stood alone
        }
        if (b == '\r') {
            pendingCr = true;
        } else if (b == '\n') {
            bare = true;
        }
    }

    /** Whether a bare CR or LF was seen; a CR at the very end counts as bare. */
    public boolean bareLineEnding() {
        return bare || pendingCr;
    }
}
