package org.mailforge.smtp.protocol;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes message octets through and notes whether a CR or LF ever stood outside a CRLF pair, or a
 * NUL appeared, across any number of writes (BDAT chunks). Without BINARYMIME, BDAT content is
 * CRLF text just as DATA's is, so the same rules refuse it: a bare line ending, or a NUL that a
 * server downstream drops before it reads lines, is how a second message is smuggled past a
 * server that reads lines differently.
 */
public final class LineEndings extends FilterOutputStream {

    private boolean pendingCr;
    private boolean bare;
    private boolean nul;

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
        } else if (b == 0) {
            nul = true;
        }
    }

    /** Whether a NUL octet was seen. */
    public boolean nul() {
        return nul;
    }

    /** Whether a bare CR or LF was seen; a CR at the very end counts as bare. */
    public boolean bareLineEnding() {
        return bare || pendingCr;
    }
}
