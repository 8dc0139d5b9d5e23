package org.mailforge.infrastructure.dkim;

import static org.mailforge.infrastructure.dkim.TestKeys.pair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.testing.Python;

/**
 * What we sign, judged by an independent verifier: dkimpy (Debian's python3-dkim), with the key
 * record handed to it directly instead of through DNS.
 */
class JdkimSigningTest {

    private static final String MESSAGE = "Received: from client.example ([192.0.2.1]) by mx.example.test\r\n"
            + "From: Alice Example <alice@example.test>\r\nTo: bob@remote.test\r\nSubject:  Quarterly   figures\r\n"
            + "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <42@example.test>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nThe figures are in.  \r\n.leading dot\r\n\r\n\r\n";

    @TempDir
    Path folder;

    @Test
    void rsaSignaturesVerifyWithDkimpy() throws Exception {
        KeyPair pair = pair("RSA", 2048);
        byte[] signed = sign(DkimAlgorithm.RSA_SHA256, pair, MESSAGE);
        String record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        assertEquals("True", dkimpy(signed, record), new String(signed, StandardCharsets.US_ASCII));
    }

    @Test
    void ed25519SignaturesVerifyWithDkimpy() throws Exception {
        KeyPair pair = pair("Ed25519", 0);
        byte[] signed = sign(DkimAlgorithm.ED25519_SHA256, pair, MESSAGE);
        byte[] spki = pair.getPublic().getEncoded();
        String record = "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        assertEquals("True", dkimpy(signed, record), new String(signed, StandardCharsets.US_ASCII));
    }

    @Test
    void anAlteredBodyOrSignedHeaderNoLongerVerifies() throws Exception {
        KeyPair pair = pair("RSA", 2048);
        String signed = new String(sign(DkimAlgorithm.RSA_SHA256, pair, MESSAGE), StandardCharsets.US_ASCII);
        String record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        assertEquals("False", dkimpy(signed.replace("figures are in", "figures are out").getBytes(StandardCharsets.US_ASCII), record));
        assertEquals("False", dkimpy(signed.replace("Quarterly", "Annual").getBytes(StandardCharsets.US_ASCII), record));
        assertEquals("False", dkimpy(signed.replace("Subject:", "From: ceo@example.test\r\nSubject:").getBytes(StandardCharsets.US_ASCII),
                record), "a second From: is caught: From is signed twice");
        // every signed field is signed once more than it occurs: a replay with a new Subject, To or Cc on top fails
        for (String added : java.util.List.of("Subject: Wire the money\r\n", "To: victim@example.test\r\n", "Cc: x@example.test\r\n",
                "Reply-To: thief@evil.example\r\n")) {
            assertEquals("False", dkimpy(signed.replace("Received:", added + "Received:").getBytes(StandardCharsets.US_ASCII), record),
                    "prepended: " + added);
        }
        assertEquals("True", dkimpy(signed.replace("Received: from client.example", "Received: from elsewhere")
                .getBytes(StandardCharsets.US_ASCII), record), "the trace header is not signed");
    }

    @Test
    void theHeaderIsFoldedIntoLinesOfAtMost78AndNamesWhatItSigns() throws Exception {
        String header = new String(sign(DkimAlgorithm.RSA_SHA256, pair("RSA", 4096), MESSAGE), StandardCharsets.US_ASCII);
        header = header.substring(0, header.indexOf("\r\nReceived:") + 2);
        for (String line : header.split("\r\n")) {
            // a tag longer than a line (b= of RSA-4096) stays whole on its own line
            assertTrue(line.length() <= 78 || !line.substring(1).contains(" "), line);
        }
        String unfolded = header.replace("\r\n\t", " ");
        assertTrue(unfolded.contains("h=from:from:to:to:cc:subject:subject:date:date:message-id:message-id:mime-version:mime-version:content-type:content-type:content-transfer-encoding:reply-to:sender:in-reply-to:references;"), unfolded);
        assertTrue(unfolded.contains("c=relaxed/relaxed;") && unfolded.contains("d=example.test;") && unfolded.contains("s=mf2026;"), unfolded);
    }


    private static byte[] sign(DkimAlgorithm algorithm, KeyPair pair, String message) throws Exception {
        MessageContent content = MessageContent.of(message.getBytes(StandardCharsets.US_ASCII));
        byte[] header = new JdkimSigning().sign(content, "example.test", "mf2026", algorithm, pair.getPrivate());
        byte[] signed = Arrays.copyOf(header, header.length + (int) content.size());
        System.arraycopy(message.getBytes(StandardCharsets.US_ASCII), 0, signed, header.length, (int) content.size());
        return signed;
    }

    /** dkimpy's verdict ("True"/"False") on the message, with the record given for any selector. */
    private String dkimpy(byte[] message, String record) throws Exception {
        Path file = folder.resolve("message.eml");
        Files.write(file, message);
        List<String> lines = Python.run("dkim, nacl", "python3-dkim python3-nacl", String.join("\n",
                "import dkim, sys",
                "message = open(sys.argv[1], 'rb').read()",
                "record = sys.argv[2].encode()",
                "print(dkim.verify(message, dnsfunc=lambda name, timeout=5: record))"), file.toString(), record).lines().toList();
        return lines.get(lines.size() - 1);
    }
}
