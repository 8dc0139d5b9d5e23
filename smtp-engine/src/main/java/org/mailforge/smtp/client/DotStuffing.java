package org.mailforge.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes message content for DATA (RFC 5321 4.5.2, 2.3.8): every line ending leaves as CRLF
 * (a bare CR or LF too, so no line ending that a next hop reads differently can hide a second
 * message), a line that begins with a period gets one more (after any NULs: a next hop that drops
 * NULs must not read {@code <NUL>.} as the end of the data), and the content ends with CRLF so the
 * terminating {@code .} stands on its own line. Nothing else changes.
 */
final class DotStuffing {

    private DotStuffing() {
    }

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        byte[] output = new byte[2 * buffer.length + 2];
        boolean lineStart = true; // nothing on this line yet but NULs: a period here is stuffed
        boolean lineEmpty = true; // nothing at all on this line yet
        boolean pendingCr = false;
        int n;
        while ((n = in.read(buffer)) > 0) {
            int length = 0;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (pendingCr) {
                    pendingCr = false;
                    output[length++] = '\r';
                    output[length++] = '\n';
                    lineStart = true;
                    lineEmpty = true;
                    if (b == '\n') {
                        continue; // the CRLF pair, written
                    }
                }
                if (b == '\r') {
                    pendingCr = true;
                    continue;
                }
                if (b == '\n') { // a bare LF
                    output[length++] = '\r';
                    output[length++] = '\n';
                    lineStart = true;
                    lineEmpty = true;
                    continue;
                }
                if (lineStart && b == '.') {
                    output[length++] = '.';
                }
                output[length++] = b;
                lineStart = lineStart && b == 0;
                lineEmpty = false;
            }
            out.write(output, 0, length);
        }
        if (pendingCr || !lineEmpty) {
            out.write('\r');
            out.write('\n');
        }
    }
}
