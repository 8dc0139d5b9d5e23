package org.mailforge.smtp.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes message content for DATA (RFC 5321 4.5.2): a line that begins with a period gets one
 * more, and the content ends with CRLF so the terminating {@code .} stands on its own line.
 * Nothing else changes.
 */
final class DotStuffing {

    private DotStuffing() {
    }

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        boolean lineStart = true;
        int previous = '\n';
        int n;
        while ((n = in.read(buffer)) > 0) {
            int from = 0;
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (lineStart && b == '.') {
                    out.write(buffer, from, i - from);
                    out.write('.');
                    from = i;
                }
                lineStart = b == '\n';
            }
            out.write(buffer, from, n - from);
            previous = buffer[n - 1];
        }
        if (previous != '\n') {
            out.write('\r');
            out.write('\n');
        }
    }
}
