package org.mailforge.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mailforge.smtp.spi.MessageContent;

class ForgedHeadersTest {

    private static String strip(String message) throws Exception {
        MessageContent stripped = ForgedHeaders.strip(MessageContent.of(message.getBytes(StandardCharsets.ISO_8859_1)));
        byte[] all;
        try (InputStream in = stripped.openStream()) {
            all = in.readAllBytes();
        }
        assertEquals(all.length, stripped.size(), "size() matches what is read");
        // read in odd-sized pieces too: the same octets
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        try (InputStream in = stripped.openStream()) {
            byte[] buffer = new byte[7];
            int n;
            while ((n = in.read(buffer, 0, 1 + new Random(all.length).nextInt(7))) > 0) {
                pieces.write(buffer, 0, n);
            }
        }
        assertEquals(new String(all, StandardCharsets.ISO_8859_1), pieces.toString(StandardCharsets.ISO_8859_1));
        return new String(all, StandardCharsets.ISO_8859_1);
    }

    @Test
    void theSendersVerdictHeadersAreRemovedWithTheirContinuationLines() throws Exception {
        assertEquals("Received: from a\r\n\tby b\r\nSubject: hi\r\nX-Spammy: kept\r\n\r\nX-Spam-Flag: NO in the body stays\r\n",
                strip("Received: from a\r\n\tby b\r\nX-Spam-Flag: NO\r\nSubject: hi\r\nx-spam-status: No,\r\n\tscore=-100\r\n"
                        + "X-Mailforge-Scan: clean\r\nX-Spammy: kept\r\n\r\nX-Spam-Flag: NO in the body stays\r\n"));
    }

    @Test
    void messagesWithoutThemAreLeftAsTheyAre() throws Exception {
        MessageContent content = MessageContent.of("Subject: x\r\nX-Spam: not ours\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        assertSame(content, ForgedHeaders.strip(content));
    }

    @Test
    void oddShapesSurvive() throws Exception {
        assertEquals("no colon at all", strip("no colon at all"));
        assertEquals("Subject: x\n\nX-Spam-Flag: body\n", strip("Subject: x\nX-Spam-Flag: YES\n\nX-Spam-Flag: body\n"));
        assertEquals("Subject: x\r\n", strip("Subject: x\r\nX-Spam-Level: ***"));
        assertEquals("L".repeat(200) + ": long name\r\n\r\n", strip("L".repeat(200) + ": long name\r\n\r\n"));
    }
}
