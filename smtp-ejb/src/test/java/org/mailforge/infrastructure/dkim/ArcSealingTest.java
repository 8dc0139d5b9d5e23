package org.mailforge.infrastructure.dkim;

import static org.mailforge.infrastructure.dkim.TestKeys.pair;
import static org.mailforge.infrastructure.dkim.TestKeys.rsaRecord;
import static org.mailforge.infrastructure.dkim.TestKeys.ed25519Record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.infrastructure.outbound.TestDnsServer;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.testing.Python;

/**
 * ARC sets we seal, judged by an independent implementation: dkimpy (Debian's python3-dkim)
 * validates our chains with the keys handed to it, and seals the earlier hop whose chain we
 * validate, its key published by a DNS server on 127.0.0.1.
 */
class ArcSealingTest {

    private static final String MESSAGE = "Received: from client.example ([192.0.2.1]) by mx.forward.example\r\n"
            + "From: Alice Example <alice@origin.example>\r\nTo: list@forward.example\r\nSubject:  Quarterly   figures\r\n"
            + "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <42@origin.example>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nThe figures are in.  \r\n.leading dot\r\n\r\n\r\n";
    private static final String RESULTS = "spf=pass smtp.mailfrom=alice@origin.example; dkim=pass header.d=origin.example;\r\n\t"
            + "dmarc=pass header.from=origin.example";
    /** The DKIM header fields, over-signing From; never an ARC field or Authentication-Results. */
    private static final String SIGNED = "from:from:to:to:cc:subject:subject:date:date:message-id:message-id:mime-version:mime-version:content-type:content-type:content-transfer-encoding:reply-to:sender:in-reply-to:references";

    private static KeyPair rsa;
    private static KeyPair ed25519;
    private static KeyPair signerRsa;
    private static KeyPair origin;
    private static TestDnsServer dns;
    private static JdkimArcSealing sealing;

    @TempDir
    Path folder;

    @BeforeAll
    static void publishKeys() throws Exception {
        rsa = pair("RSA", 2048);
        ed25519 = pair("Ed25519", 0);
        signerRsa = pair("RSA", 2048);
        origin = pair("Ed25519", 0);
        dns = TestDnsServer.zone()
                .txt("arc1._domainkey.signer.example", rsaRecord(signerRsa))
                .txt("other._domainkey.signer.example", rsaRecord(rsa))
                .txt("rsa._domainkey.forward.example", rsaRecord(rsa))
                .txt("ed._domainkey.forward.example", ed25519Record(ed25519))
                .serve();
        sealing = new JdkimArcSealing(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void aFirstRsaSealPassesDkimpyAndSignsTheDkimFieldsButNoArcOrAuthenticationResults() throws Exception {
        // the origin's DKIM signature and our Authentication-Results, as the alias receives and stores the message
        String signedByOrigin = new String(new JdkimSigning().sign(content(MESSAGE), "origin.example", "o", DkimAlgorithm.ED25519_SHA256,
                origin.getPrivate()), StandardCharsets.US_ASCII) + MESSAGE;
        String received = "Authentication-Results: mx.forward.example; spf=pass smtp.mailfrom=alice@origin.example\r\n" + signedByOrigin;
        String sealed = seal(received, "rsa", DkimAlgorithm.RSA_SHA256, rsa);

        List<String> set = fields(sealed, 3);
        assertTrue(set.get(0).startsWith("ARC-Seal: i=1; cv=none; a=rsa-sha256; d=forward.example; s=rsa; t="), set.get(0));
        assertTrue(set.get(1).startsWith("ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=forward.example; s=rsa;"),
                set.get(1));
        assertEquals(SIGNED + ":dkim-signature", tag(set.get(1), "h"));
        assertEquals("ARC-Authentication-Results: i=1; mx.forward.example; spf=pass smtp.mailfrom=alice@origin.example; "
                + "dkim=pass header.d=origin.example; dmarc=pass header.from=origin.example; arc=none", set.get(2));
        for (String line : sealed.substring(0, sealed.indexOf("Authentication-Results: mx")).split("\r\n")) {
            assertTrue(line.length() <= 78 || !line.substring(1).contains(" "), line); // folded; a long b= alone on its line
        }
        assertCv("pass", sealed, false);
        // forwarded on, the message gets fields above it that nobody signed: still valid
        assertCv("pass", "Received: from mx.forward.example by mx.remote.example\r\n" + sealed, false);
    }

    @Test
    void aFirstEd25519SealPassesDkimpyOnceItsArcTakesEd25519() throws Exception {
        String sealed = seal(MESSAGE, "ed", DkimAlgorithm.ED25519_SHA256, ed25519);
        assertTrue(sealed.startsWith("ARC-Seal: i=1; cv=none; a=ed25519-sha256;"), sealed);
        // dkimpy 1.1.4 validates rsa-sha256 ARC signatures only; its ARC algorithm table is widened to judge Ed25519
        assertCv("pass", sealed, true);
        // and our own validation passes it on: sealed again, i=2 says cv=pass, and dkimpy agrees on both sets
        String twice = seal(sealed, "rsa", DkimAlgorithm.RSA_SHA256, rsa);
        assertTrue(twice.startsWith("ARC-Seal: i=2; cv=pass; a=rsa-sha256;"), twice);
        assertCv("pass", twice, true);
    }

    @Test
    void overAChainDkimpySealedWeAddInstanceTwoWithCvPassAndDkimpyPassesTheWholeChain() throws Exception {
        String hop1 = dkimpySealed(MESSAGE);
        assertTrue(hop1.startsWith("ARC-Seal: i=1;"), hop1);
        assertCv("pass", hop1, false, "dkimpy's own chain");

        String sealed = seal(hop1, "rsa", DkimAlgorithm.RSA_SHA256, rsa);
        List<String> set = fields(sealed, 3);
        assertTrue(set.get(0).startsWith("ARC-Seal: i=2; cv=pass;"), set.get(0));
        assertTrue(set.get(1).startsWith("ARC-Message-Signature: i=2;"), set.get(1));
        assertEquals(SIGNED, tag(set.get(1), "h"), "the earlier ARC set and Authentication-Results are not signed");
        assertTrue(set.get(2).startsWith("ARC-Authentication-Results: i=2; mx.forward.example; spf=pass") && set.get(2).endsWith("; arc=pass"),
                set.get(2));
        assertCv("pass", sealed, false);
    }

    @Test
    void aPriorSetThatNoLongerValidatesGetsCvFailAndIsNotExtendedAgain() throws Exception {
        String tampered = dkimpySealed(MESSAGE).replace("figures are in", "figures are out");
        assertCv("fail", tampered, false, "dkimpy: the body changed after its seal");

        String sealed = seal(tampered, "rsa", DkimAlgorithm.RSA_SHA256, rsa);
        List<String> set = fields(sealed, 3);
        assertTrue(set.get(0).startsWith("ARC-Seal: i=2; cv=fail;"), set.get(0));
        assertTrue(set.get(2).endsWith("; arc=fail"), set.get(2));
        assertCv("None", sealed, false, "dkimpy: the newest seal says cv=fail, the chain has ended");
        // RFC 8617 5.1: once a seal says cv=fail, nobody adds to the chain
        assertArrayEquals(new byte[0], sealing.seal(content(sealed), "mx.forward.example", RESULTS, "forward.example", "rsa",
                DkimAlgorithm.RSA_SHA256, rsa.getPrivate(), Instant.now().plusSeconds(5)));
    }

    @Test
    void aSealByAKeyThatIsNotTheSignersOrAChangedHeaderFieldFails() throws Exception {
        String hop1 = dkimpySealed(MESSAGE);
        // the selector of a key that did not sign
        assertTrue(seal(hop1.replace("s=arc1", "s=other"), "rsa", DkimAlgorithm.RSA_SHA256, rsa).startsWith("ARC-Seal: i=2; cv=fail;"));
        // a signed header field changed after the first hop
        assertTrue(seal(hop1.replace("Quarterly", "Annual"), "rsa", DkimAlgorithm.RSA_SHA256, rsa).startsWith("ARC-Seal: i=2; cv=fail;"));
        // an ARC set that is not complete
        String withoutResults = hop1.replaceFirst("ARC-Authentication-Results: i=1;[^\r]*\r\n(?:[ \t][^\r]*\r\n)*", "");
        assertTrue(withoutResults.length() < hop1.length(), "the AAR is gone");
        assertTrue(seal(withoutResults, "rsa", DkimAlgorithm.RSA_SHA256, rsa).startsWith("ARC-Seal: i=2; cv=fail;"));
    }

    @Test
    void aChangeAfterOurSealFailsDkimpysValidation() throws Exception {
        String sealed = seal(MESSAGE, "rsa", DkimAlgorithm.RSA_SHA256, rsa);
        assertCv("pass", sealed, false);
        assertCv("fail", sealed.replace("figures are in", "figures are out"), false, "the body");
        assertCv("fail", sealed.replace("Quarterly", "Annual"), false, "a signed header field");
        assertCv("fail", sealed.replace("dmarc=pass", "dmarc=fail"), false, "the sealed results");
        String sealedTwice = seal(dkimpySealed(MESSAGE), "rsa", DkimAlgorithm.RSA_SHA256, rsa);
        assertCv("fail", sealedTwice.replace("figures are in", "figures are out"), false, "the body, two sets");
    }

    @Test
    void aChainOfFiftySetsIsNotExtended() throws Exception {
        StringBuilder chain = new StringBuilder();
        for (int i = 50; i >= 1; i--) {
            chain.append("ARC-Seal: i=").append(i).append("; cv=").append(i == 1 ? "none" : "pass")
                    .append("; a=rsa-sha256; d=signer.example; s=arc1; t=1; b=AAAA\r\n")
                    .append("ARC-Message-Signature: i=").append(i).append("; a=rsa-sha256; d=signer.example; s=arc1; h=from; bh=AAAA; b=AAAA\r\n")
                    .append("ARC-Authentication-Results: i=").append(i).append("; mx.signer.example; spf=pass\r\n");
        }
        assertArrayEquals(new byte[0], sealing.seal(content(chain + MESSAGE), "mx.forward.example", RESULTS, "forward.example", "rsa",
                DkimAlgorithm.RSA_SHA256, rsa.getPrivate(), Instant.now().plusSeconds(5)));
    }

    @Test
    void aDnsThatDoesNotAnswerForAChainsKeyIsAnErrorByTheDeadlineNotAVerdict() throws Exception {
        String hop1 = dkimpySealed(MESSAGE);
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            JdkimArcSealing slow = new JdkimArcSealing(new DnsClient(DnsClient.resolver("127.0.0.1:" + silent.getLocalPort(),
                    Duration.ofSeconds(10))));
            long start = System.nanoTime();
            assertThrows(IOException.class, () -> slow.seal(content(hop1), "mx.forward.example", RESULTS, "forward.example", "rsa",
                    DkimAlgorithm.RSA_SHA256, rsa.getPrivate(), Instant.now().plusMillis(300)));
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "given up by the deadline, not the resolver's timeout");
        }
    }

    @Test
    void whatCannotGoIntoAHeaderFieldIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> sealing.seal(content(MESSAGE), "mx.forward.example",
                "spf=pass\r\nBcc: someone@example.test", "forward.example", "rsa", DkimAlgorithm.RSA_SHA256, rsa.getPrivate(),
                Instant.now().plusSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> sealing.seal(content(MESSAGE), "mx forward", RESULTS, "forward.example", "rsa",
                DkimAlgorithm.RSA_SHA256, rsa.getPrivate(), Instant.now().plusSeconds(5)));
    }

    private static String seal(String message, String selector, DkimAlgorithm algorithm, KeyPair pair) throws Exception {
        byte[] set = sealing.seal(content(message), "mx.forward.example", RESULTS, "forward.example", selector, algorithm,
                pair.getPrivate(), Instant.now().plusSeconds(5));
        assertTrue(set.length > 0, "sealed");
        return new String(set, StandardCharsets.US_ASCII) + message;
    }

    private static MessageContent content(String message) {
        return MessageContent.of(message.getBytes(StandardCharsets.US_ASCII));
    }

    /** The first {@code count} header fields, unfolded. */
    private static List<String> fields(String message, int count) {
        String header = message.substring(0, message.indexOf("\r\n\r\n") + 2).replaceAll("\r\n[ \t]", " ");
        return Arrays.stream(header.split("\r\n")).limit(count).toList();
    }

    private static String tag(String field, String name) {
        Matcher value = Pattern.compile("[:;] " + name + "=([^;]*)").matcher(field);
        assertTrue(value.find(), field);
        return value.group(1);
    }

    /** The message with an Authentication-Results field of mx.signer.example and dkimpy's ARC set (i=1) above it. */
    private String dkimpySealed(String message) throws Exception {
        Path in = folder.resolve("hop1-" + System.nanoTime() + ".eml");
        Path out = folder.resolve("hop1-" + System.nanoTime() + ".sealed");
        Files.writeString(in, "Authentication-Results: mx.signer.example; spf=pass smtp.mailfrom=alice@origin.example; dkim=none\r\n"
                + message, StandardCharsets.US_ASCII);
        Path key = folder.resolve("signer.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(signerRsa.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        Python.run("dkim, nacl, authres", "python3-dkim python3-nacl python3-authres", String.join("\n",
                "import dkim, sys",
                "message = open(sys.argv[1], 'rb').read()",
                "key = open(sys.argv[2], 'rb').read()",
                "fields = dkim.arc_sign(message, b'arc1', b'signer.example', key, b'mx.signer.example')",
                "open(sys.argv[3], 'wb').write(b''.join(fields) + message)"), in.toString(), key.toString(), out.toString());
        return Files.readString(out, StandardCharsets.US_ASCII);
    }

    /**
     * dkimpy's chain validation status ({@code pass}, {@code fail}, {@code None} for a chain that
     * ended in a failure) and its reason, with every key of this test handed to it.
     *
     * @param ed25519Arc whether dkimpy's ARC is to take ed25519-sha256 signatures, as its DKIM does
     */
    private String dkimpy(String message, boolean ed25519Arc) throws Exception {
        Path file = folder.resolve("verify-" + System.nanoTime() + ".eml");
        Files.writeString(file, message, StandardCharsets.US_ASCII);
        Map<String, String> records = Map.of("arc1._domainkey.signer.example", rsaRecord(signerRsa),
                "rsa._domainkey.forward.example", rsaRecord(rsa), "ed._domainkey.forward.example", ed25519Record(ed25519),
                "o._domainkey.origin.example", ed25519Record(origin));
        List<String> arguments = new java.util.ArrayList<>(List.of(file.toString(), ed25519Arc ? "ed25519" : "rsa"));
        records.forEach((name, record) -> arguments.addAll(List.of(name, record)));
        List<String> lines = Python.run("dkim, nacl", "python3-dkim python3-nacl", String.join("\n",
                "import dkim, hashlib, sys",
                "message = open(sys.argv[1], 'rb').read()",
                "if sys.argv[2] == 'ed25519':",
                "    dkim.ARC_HASH_ALGORITHMS[b'ed25519-sha256'] = hashlib.sha256",
                "records = dict(zip(sys.argv[3::2], sys.argv[4::2]))",
                "def dns(name, timeout=5):",
                "    record = records.get(name.decode().rstrip('.').lower())",
                "    return record.encode() if record else None",
                "cv, results, reason = dkim.arc_verify(message, dnsfunc=dns)",
                "print((cv.decode() if cv else 'None') + ' ' + reason)"), arguments.toArray(String[]::new)).lines().toList();
        return lines.get(lines.size() - 1);
    }

    /** dkimpy's chain validation status is the one expected. */
    private void assertCv(String expected, String message, boolean ed25519Arc, String... what) throws Exception {
        String verdict = dkimpy(message, ed25519Arc);
        assertEquals(expected, verdict.substring(0, verdict.indexOf(' ')), String.join(" ", what) + ": " + verdict + "\n" + message);
    }



}
