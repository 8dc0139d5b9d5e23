package org.mailforge.infrastructure.dkim;

import static org.mailforge.infrastructure.dkim.TestKeys.pair;
import static org.mailforge.infrastructure.dkim.TestKeys.rsaRecord;
import static org.mailforge.infrastructure.dkim.TestKeys.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.application.verification.AuthenticationResults.Dkim;
import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.infrastructure.outbound.TestDnsServer;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.testing.Python;

/**
 * Our DKIM verdicts on messages an independent signer made: dkimpy (Debian's python3-dkim) signs,
 * the keys are published by a DNS server on 127.0.0.1, and {@link DkimVerifier} judges good,
 * altered, expired and wrongly keyed signatures, RSA and Ed25519.
 */
class DkimVerifierTest {

    private static final String MESSAGE = "From: Alice <alice@signer.example>\r\nTo: bob@example.test\r\n"
            + "Subject: Quarterly figures\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <7@signer.example>\r\n\r\n"
            + "The figures are in.\r\n";

    private static KeyPair rsa;
    private static KeyPair otherRsa;
    private static KeyPair ed25519;
    private static KeyPair smallRsa;
    private static TestDnsServer dns;
    private static DkimVerifier verifier;

    @TempDir
    Path folder;

    @BeforeAll
    static void publishKeys() throws Exception {
        rsa = pair("RSA", 2048);
        otherRsa = pair("RSA", 2048);
        ed25519 = pair("Ed25519", 0);
        smallRsa = pair("RSA", 512);
        dns = TestDnsServer.zone()
                .txt("rsa._domainkey.signer.example", rsaRecord(rsa))
                .txt("ed._domainkey.signer.example", "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw(ed25519)))
                .txt("other._domainkey.signer.example", rsaRecord(otherRsa))
                .txt("small._domainkey.signer.example", rsaRecord(smallRsa))
                .txt("revoked._domainkey.signer.example", "v=DKIM1; k=rsa; p=")
                .serve();
        verifier = new DkimVerifier(new DnsClient(DnsClient.resolver(dns.address(), java.time.Duration.ofSeconds(2))));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void goodSignaturesPassForRsaAndEd25519() throws Exception {
        Dkim rsaResult = only(verify(dkimpy("rsa", "rsa-sha256", rsa, MESSAGE, false)));
        assertEquals("pass", rsaResult.result(), rsaResult.toString());
        assertEquals("signer.example", rsaResult.domain());
        assertEquals("rsa", rsaResult.selector());
        assertEquals("rsa-sha256", rsaResult.algorithm());
        assertEquals(8, rsaResult.signaturePrefix().length());
        Dkim edResult = only(verify(dkimpy("ed", "ed25519-sha256", ed25519, MESSAGE, false)));
        assertEquals("pass", edResult.result(), edResult.toString());
        assertEquals("ed25519-sha256", edResult.algorithm());
    }

    @Test
    void anAlteredBodyOrSignedHeaderFails() throws Exception {
        String signed = dkimpy("rsa", "rsa-sha256", rsa, MESSAGE, false);
        Dkim body = only(verify(signed.replace("figures are in", "figures are out")));
        assertEquals("fail", body.result());
        assertEquals("body hash did not verify", body.reason());
        Dkim header = only(verify(signed.replace("Quarterly", "Annual")));
        assertEquals("fail", header.result());
        assertEquals("signature did not verify", header.reason());
        Dkim ed = only(verify(dkimpy("ed", "ed25519-sha256", ed25519, MESSAGE, false).replace("Quarterly", "Annual")));
        assertEquals("fail", ed.result());
    }

    @Test
    void anExpiredSignatureFails() throws Exception {
        Dkim expired = only(verify(dkimpy("rsa", "rsa-sha256", rsa, MESSAGE, true)));
        assertEquals("fail", expired.result(), expired.toString());
        assertEquals("signature expired", expired.reason());
    }

    @Test
    void aKeyThatIsNotTheSignersFailsAndMissingOrUnusableKeysAreErrors() throws Exception {
        // signed with one key, published under the selector of another
        String signed = dkimpy("rsa", "rsa-sha256", otherRsa, MESSAGE, false);
        assertEquals("fail", only(verify(signed)).result());
        assertEquals("permerror", only(verify(signed.replace("s=rsa", "s=absent"))).result(), "no key record at all");
        Dkim revoked = only(verify(signed.replace("s=rsa", "s=revoked")));
        assertEquals("fail", revoked.result());
        assertEquals("key revoked", revoked.reason());
        Dkim small = only(verify(dkimpy("small", "rsa-sha256", smallRsa, MESSAGE, false)));
        assertEquals("permerror", small.result(), "RFC 8301: no RSA key under 1024 bits");
        assertEquals("permerror", only(verify(dkimpy("rsa", "rsa-sha1", rsa, MESSAGE, false))).result(), "RFC 8301: no rsa-sha1");
    }

    @Test
    void whatWeSignWeVerify() throws Exception {
        MessageContent content = MessageContent.of(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        byte[] header = new JdkimSigning().sign(content, "signer.example", "ed", DkimAlgorithm.ED25519_SHA256, ed25519.getPrivate());
        assertEquals("pass", only(verify(new String(header, StandardCharsets.US_ASCII) + MESSAGE)).result());
    }

    @Test
    void everySignatureGetsAResultAndTheirNumberIsBounded() throws Exception {
        String good = dkimpy("rsa", "rsa-sha256", rsa, MESSAGE, false);
        String field = good.substring(0, good.indexOf("From:"));
        String twice = field.replace("s=rsa", "s=other") + good;
        List<Dkim> results = verify(twice);
        assertEquals(List.of("fail", "pass"), results.stream().map(Dkim::result).toList());
        assertEquals(DkimVerifier.MAX_SIGNATURES, verify(field.repeat(12) + good).size());
        assertTrue(verify(MESSAGE).isEmpty(), "an unsigned message has no results");
        assertEquals("permerror", only(verify("DKIM-Signature: v=1; a=rsa-sha256; nonsense\r\n" + MESSAGE)).result());
    }

    @Test
    void aDnsThatDoesNotAnswerIsATemporaryErrorWithinTheDeadline() throws Exception {
        MessageContent signed = MessageContent.of(dkimpy("rsa", "rsa-sha256", rsa, MESSAGE, false).getBytes(StandardCharsets.US_ASCII));
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            // the resolver would wait 10 s; the message's deadline is 300 ms away
            DkimVerifier slow = new DkimVerifier(new DnsClient(DnsClient.resolver("127.0.0.1:" + silent.getLocalPort(),
                    java.time.Duration.ofSeconds(10))));
            long start = System.nanoTime();
            List<Dkim> results = slow.verify(signed, Instant.now().plusMillis(300));
            assertEquals("temperror", only(results).result());
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "answered by the deadline, not the resolver's timeout");
        }
    }

    private static List<Dkim> verify(String message) throws Exception {
        return verifier.verify(MessageContent.of(message.getBytes(StandardCharsets.US_ASCII)), Instant.now().plusSeconds(5));
    }

    private static Dkim only(List<Dkim> results) {
        assertEquals(1, results.size(), results.toString());
        return results.get(0);
    }



    /** The message signed by dkimpy (relaxed/simple, its default headers), expired an hour ago when asked. */
    private String dkimpy(String selector, String algorithm, KeyPair pair, String message, boolean expired) throws Exception {
        byte[] encoded = pair.getPrivate().getEncoded();
        String key = algorithm.startsWith("ed25519")
                ? Base64.getEncoder().encodeToString(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length))
                : "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(encoded)
                + "\n-----END PRIVATE KEY-----\n";
        Path file = folder.resolve("message-" + System.nanoTime() + ".eml");
        Files.writeString(file, message, StandardCharsets.US_ASCII);
        List<String> script = new ArrayList<>(List.of(
                "import dkim, sys, time",
                "message = open(sys.argv[1], 'rb').read()",
                "if sys.argv[5] == 'expired':",
                "    plain = dkim.DKIM.gen_header",
                "    def expiring(self, fields, *rest, **named):",
                "        now = int(time.time())",
                "        fields = [f for f in fields if f[0] != b't']",
                "        fields = fields[:-1] + [(b't', str(now - 7200).encode()), (b'x', str(now - 3600).encode())] + fields[-1:]",
                "        return plain(self, fields, *rest, **named)",
                "    dkim.DKIM.gen_header = expiring",
                "signature = dkim.sign(message, sys.argv[2].encode(), b'signer.example', sys.argv[3].encode(),",
                "                      signature_algorithm=sys.argv[4].encode())",
                "sys.stdout.write((signature + message).decode())"));
        return Python.run("dkim, nacl", "python3-dkim python3-nacl", String.join("\n", script), file.toString(), selector, key,
                algorithm, expired ? "expired" : "fresh").replace("\n", "\r\n").replace("\r\r\n", "\r\n") + "\r\n";
    }
}
