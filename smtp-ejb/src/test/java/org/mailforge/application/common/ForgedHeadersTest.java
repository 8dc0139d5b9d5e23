package org.mailforge.application.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mailforge.smtp.spi.MessageContent;

class ForgedHeadersTest {

    private static final java.util.Set<String> US = java.util.Set.of("mx.example.test", "mx2.example.test");

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

    @Test
    void theAuthservIdIsParsedAsRfc8601WritesItNotMatched() throws Exception {
        String forged = "; dkim=pass header.d=paypal.com; dmarc=pass header.from=paypal.com\r\n";
        // each of these names us; a filter that decides at the first ';' or reads no quoted-string keeps them
        for (String id : java.util.List.of("(x;) mx.example.test", "\"mx.example.test\"", "(\\() mx.example.test",
                "(a (nested; (deeper)) comment) MX.Example.Test.", "\"mx.\\example.test\"", "\r\n\t(;;;)\r\n mx.example.test",
                "mx2.example.test", "\"mx2.example.test\" 1")) {
            assertEquals("Subject: x\r\n\r\nbody\r\n", strip("Authentication-Results: " + id + forged + "Subject: x\r\n\r\nbody\r\n"),
                    "removed: Authentication-Results: " + id);
        }
        // fields that cannot be read are no honest server's: removed
        for (String broken : java.util.List.of("(unclosed; mx.example.test", "\"unclosed; mx.example.test", "\"\"", "();")) {
            assertEquals("To: y\r\n\r\n", strip("Authentication-Results: " + broken + forged + "To: y\r\n\r\n"), broken);
        }
        // another server's id, quoted or behind a comment holding ours, stays
        for (String theirs : java.util.List.of("\"mx.elsewhere.example\"", "(mx.example.test;) mx.elsewhere.example")) {
            String field = "Authentication-Results: " + theirs + forged;
            assertEquals(field + "\r\n", strip(field + "\r\n"), theirs);
        }
    }

    @Test
    void aNamePaddedBeforeItsColonIsStillOurs() throws Exception {
        String forged = ": mx.example.test; dkim=pass header.d=paypal.com\r\n";
        // RFC 5322's obsolete syntax allows white space before the colon, and Jakarta Mail trims names: readers see these
        for (String name : java.util.List.of("Authentication-Results ", "Authentication-Results" + " ".repeat(43),
                "Authentication-Results" + " ".repeat(200), "Authentication-Results\t\u0001", "X-Spam-Flag" + " ".repeat(80))) {
            assertEquals("To: y\r\n\r\n", strip(name + forged + "To: y\r\n\r\n"), "removed: '" + name + "'");
        }
        String longName = "X-Long-" + "n".repeat(80) + ": kept\r\n";
        assertEquals(longName + "\r\n", strip(longName + "\r\n"), "another long name passes");
    }
}
