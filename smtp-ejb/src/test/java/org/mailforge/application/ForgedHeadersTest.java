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

    private static final String US = "mx.example.test";

    private static String strip(String message) throws Exception {
        MessageContent stripped = ForgedHeaders.strip(MessageContent.of(message.getBytes(StandardCharsets.ISO_8859_1)), US);
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
        assertSame(content, ForgedHeaders.strip(content, US));
    }

    @Test
    void oddShapesSurvive() throws Exception {
        assertEquals("no colon at all", strip("no colon at all"));
        assertEquals("Subject: x\n\nX-Spam-Flag: body\n", strip("Subject: x\nX-Spam-Flag: YES\n\nX-Spam-Flag: body\n"));
        assertEquals("Subject: x\r\n", strip("Subject: x\r\nX-Spam-Level: ***"));
        assertEquals("L".repeat(200) + ": long name\r\n\r\n", strip("L".repeat(200) + ": long name\r\n\r\n"));
    }

    @Test
    void authenticationResultsNamingUsAreRemovedAndOthersStay() throws Exception {
        String theirs = "Authentication-Results: mx.elsewhere.example;\r\n\tspf=pass smtp.mailfrom=a@b.example\r\n";
        assertEquals("Subject: x\r\n" + theirs + "To: y\r\n\r\nAuthentication-Results: mx.example.test; in the body\r\n",
                strip("Authentication-Results: MX.example.test; spf=pass smtp.mailfrom=bank.example;\r\n\tdkim=pass header.d=bank.example\r\n"
                        + "Subject: x\r\n" + theirs
                        + "authentication-results:\r\n (forged) mx.example.test 1;\r\n dmarc=pass\r\n"
                        + "Authentication-Results: mx.example.test\r\nTo: y\r\n\r\n"
                        + "Authentication-Results: mx.example.test; in the body\r\n"));
        // a prefix of our name is another name; a field cut off by the end of the content comes out whole
        assertEquals("Authentication-Results: mx.example.testing; none\r\n\r\n",
                strip("Authentication-Results: mx.example.testing; none\r\n\r\n"));
        assertEquals("Authentication-Results: mx.elsewhere", strip("Authentication-Results: mx.elsewhere"));
        assertEquals("", strip("Authentication-Results: mx.example.test"));
    }

    @Test
    void aHugeAuthenticationResultsFieldIsDecidedOnItsBeginning() throws Exception {
        String value = " mx.elsewhere.example" + " x".repeat(2000) + "; none\r\n";
        assertEquals("Authentication-Results:" + value + "\r\nbody", strip("Authentication-Results:" + value + "\r\nbody"));
        // our name hidden behind a comment longer than any honest field's start: removed
        String hidden = " (" + "c".repeat(1500) + ") mx.example.test; none\r\n";
        assertEquals("Subject: x\r\n\r\n", strip("Authentication-Results:" + hidden + "Subject: x\r\n\r\n"));
    }
}
