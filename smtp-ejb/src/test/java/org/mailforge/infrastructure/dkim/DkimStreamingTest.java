package org.mailforge.infrastructure.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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
 * DKIM signing and verification hold the header block only: a 50 MB message streams through the
 * body hash, and what the signer and verifier allocate on their thread stays far below its size. A
 * header block over the bound is refused rather than read on. dkimpy (Debian's python3-dkim)
 * judges what the streaming signer makes, and signs with l= and simple/simple beside ours.
 */
class DkimStreamingTest {

    private static final byte[] HEADER = ("Received: from client.example ([192.0.2.1]) by mx.example.test\r\n"
            + "From: Alice Example <alice@example.test>\r\nTo: bob@remote.test\r\nSubject:  A   large  report\r\n"
            + "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMessage-ID: <large@example.test>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    /** A body line with runs of spaces and tabs inside and at its end, for relaxed canonicalisation to work on. */
    private static final byte[] LINE = "Quarterly figures,\t  line after  line of them;   relaxed canonicalisation has work.  \t\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final long MEGABYTE = 1024 * 1024;
    /** Far below the 50 MB of the message, well above the header block, buffers and a key lookup. */
    private static final long ALLOCATION_BOUND = 8 * MEGABYTE;

    private static KeyPair rsa;
    private static KeyPair ed25519;
    private static TestDnsServer dns;
    private static DkimVerifier verifier;

    @TempDir
    Path folder;

    @BeforeAll
    static void publishKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        dns = TestDnsServer.zone()
                .txt("rsa._domainkey.example.test", rsaRecord())
                .txt("ed._domainkey.example.test", ed25519Record())
                .serve();
        verifier = new DkimVerifier(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void signingFiftyMegabytesAllocatesFarLessThanTheMessage() throws Exception {
        MessageContent large = generated(50 * MEGABYTE);
        warmUp();
        AtomicReference<byte[]> header = new AtomicReference<>();
        long allocated = allocatedBy(() -> header.set(new JdkimSigning().sign(large, "example.test", "rsa", DkimAlgorithm.RSA_SHA256,
                rsa.getPrivate())));
        System.out.printf("DKIM signing of %d octets allocated %d octets%n", large.size(), allocated);
        assertTrue(allocated < ALLOCATION_BOUND, "signing a " + large.size() + "-octet message allocated " + allocated + " octets");
        assertEquals("pass", only(verifier.verify(MessageContent.prefixed(header.get(), large), deadline())).result());
    }

    @Test
    void verifyingFiftyMegabytesAllocatesFarLessThanTheMessage() throws Exception {
        MessageContent large = generated(50 * MEGABYTE);
        warmUp();
        MessageContent signed = MessageContent.prefixed(new JdkimSigning().sign(large, "example.test", "ed",
                DkimAlgorithm.ED25519_SHA256, ed25519.getPrivate()), large);
        AtomicReference<List<Dkim>> results = new AtomicReference<>();
        long allocated = allocatedBy(() -> results.set(verifier.verify(signed, deadline())));
        System.out.printf("DKIM verification of %d octets allocated %d octets%n", signed.size(), allocated);
        assertEquals("pass", only(results.get()).result(), results.get().toString());
        assertTrue(allocated < ALLOCATION_BOUND, "verifying a " + signed.size() + "-octet message allocated " + allocated + " octets");
    }

    @Test
    void whatTheStreamingSignerMakesVerifiesWithDkimpy() throws Exception {
        MessageContent message = generated(2 * MEGABYTE);
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            boolean rsaKey = algorithm == DkimAlgorithm.RSA_SHA256;
            byte[] header = new JdkimSigning().sign(message, "example.test", rsaKey ? "rsa" : "ed", algorithm,
                    (rsaKey ? rsa : ed25519).getPrivate());
            Path file = write(MessageContent.prefixed(header, message));
            assertEquals("True", dkimpyVerdict(file, rsaKey ? rsaRecord() : ed25519Record()), new String(header, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void signaturesOfDifferentCanonicalisationAndLengthAreVerifiedInOnePassOverTheBody() throws Exception {
        Path original = write(generated(2 * MEGABYTE));
        // dkimpy signs simple/simple with l=; we add our relaxed/relaxed signature above
        Path byDkimpy = folder.resolve("dkimpy-signed.eml");
        Path key = folder.resolve("rsa.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(rsa.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        Python.run("dkim, nacl", "python3-dkim python3-nacl", String.join("\n",
                "import dkim, sys",
                "message = open(sys.argv[1], 'rb').read()",
                "signature = dkim.sign(message, b'rsa', b'example.test', open(sys.argv[2], 'rb').read(),",
                "                      canonicalize=(b'simple', b'simple'), length=True)",
                "open(sys.argv[3], 'wb').write(signature.replace(b'\\r\\n', b'\\n').replace(b'\\n', b'\\r\\n') + message)"),
                original.toString(), key.toString(), byDkimpy.toString());
        MessageContent signedOnce = file(byDkimpy);
        MessageContent signedTwice = MessageContent.prefixed(new JdkimSigning().sign(signedOnce, "example.test", "ed",
                DkimAlgorithm.ED25519_SHA256, ed25519.getPrivate()), signedOnce);
        List<Dkim> results = verifier.verify(signedTwice, deadline());
        assertEquals(List.of("pass", "pass"), results.stream().map(Dkim::result).toList(), results.toString());

        // text added below the body: the l= signature still covers what it signed (accepted as before), ours not
        byte[] postscript = "P.S. added in transit\r\n".getBytes(StandardCharsets.US_ASCII);
        MessageContent appended = new MessageContent() {
            @Override
            public long size() {
                return signedTwice.size() + postscript.length;
            }

            @Override
            public InputStream openStream() throws IOException {
                return new java.io.SequenceInputStream(signedTwice.openStream(), new java.io.ByteArrayInputStream(postscript));
            }
        };
        results = verifier.verify(appended, deadline());
        assertEquals(List.of("fail", "pass"), results.stream().map(Dkim::result).toList(), results.toString());
        assertEquals("body hash did not verify", results.get(0).reason());
    }

    @Test
    void aHeaderBlockOverTheBoundIsNotSignedAndDoesNotVerify() throws Exception {
        // 20 fields of 16 KiB, folded every 1,000 octets: 320 KiB of header
        StringBuilder filler = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            filler.append("X-Filler-").append(i).append(":");
            for (int line = 0; line < 16; line++) {
                filler.append(" ").append("f".repeat(998)).append("\r\n");
            }
        }
        String body = "\r\nThe figures are in.\r\n";
        String header = new String(HEADER, StandardCharsets.US_ASCII);
        header = header.substring(0, header.length() - 2);
        MessageContent large = MessageContent.of((header + filler + body).getBytes(StandardCharsets.US_ASCII));
        IOException refused = assertThrows(IOException.class, () -> new JdkimSigning().sign(large, "example.test", "rsa",
                DkimAlgorithm.RSA_SHA256, rsa.getPrivate()));
        assertTrue(refused.getMessage().contains("header block"), refused.getMessage());

        // signed while small, then a sender (or a hop) made the header block larger than the bound
        MessageContent small = MessageContent.of((header + body).getBytes(StandardCharsets.US_ASCII));
        byte[] signature = new JdkimSigning().sign(small, "example.test", "rsa", DkimAlgorithm.RSA_SHA256, rsa.getPrivate());
        assertEquals("pass", only(verifier.verify(MessageContent.prefixed(signature, small), deadline())).result());
        Dkim tooLarge = only(verifier.verify(MessageContent.prefixed(signature, large), deadline()));
        assertEquals("permerror", tooLarge.result(), tooLarge.toString());
        assertEquals("header block too large", tooLarge.reason());

        // a single line that never ends is not read to its end either
        MessageContent endless = MessageContent.prefixed(signature, generatedLine(50 * MEGABYTE));
        Dkim unending = only(verifier.verify(endless, deadline()));
        assertEquals("header block too large", unending.reason());
        assertThrows(IOException.class, () -> new JdkimSigning().sign(endless, "example.test", "rsa", DkimAlgorithm.RSA_SHA256,
                rsa.getPrivate()));
    }

    @Test
    void bareLineEndingsAreReadAsTheWireCarriesThemCrlf() throws Exception {
        String bare = "From: Alice <alice@example.test>\nTo: bob@remote.test\rSubject: Line  endings\n\nfirst line \nsecond\rthird\r\n";
        String wire = bare.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
        byte[] header = new JdkimSigning().sign(MessageContent.of(bare.getBytes(StandardCharsets.US_ASCII)), "example.test", "rsa",
                DkimAlgorithm.RSA_SHA256, rsa.getPrivate());
        for (String message : List.of(bare, wire)) {
            MessageContent signed = MessageContent.prefixed(header, MessageContent.of(message.getBytes(StandardCharsets.US_ASCII)));
            assertEquals("pass", only(verifier.verify(signed, deadline())).result(), message);
        }
        Path file = write(MessageContent.prefixed(header, MessageContent.of(wire.getBytes(StandardCharsets.US_ASCII))));
        assertEquals("True", dkimpyVerdict(file, rsaRecord()));
    }

    /** Loads the classes and keys both directions use, so the allocation measured is the message's. */
    private static void warmUp() throws Exception {
        MessageContent small = generated(64 * 1024);
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            boolean rsaKey = algorithm == DkimAlgorithm.RSA_SHA256;
            byte[] header = new JdkimSigning().sign(small, "example.test", rsaKey ? "rsa" : "ed", algorithm,
                    (rsaKey ? rsa : ed25519).getPrivate());
            assertEquals("pass", only(verifier.verify(MessageContent.prefixed(header, small), deadline())).result());
        }
    }

    interface Action {
        void run() throws Exception;
    }

    /** The octets the current thread allocates while the action runs. */
    private static long allocatedBy(Action action) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count the memory a thread allocates");
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * A message of about {@code size} octets (whole lines) that makes its octets as they are read:
     * never held in an array.
     */
    private static MessageContent generated(long size) {
        long lines = (size - HEADER.length) / LINE.length;
        return generated(HEADER.length + lines * LINE.length, position -> position < HEADER.length ? HEADER[(int) position]
                : LINE[(int) ((position - HEADER.length) % LINE.length)]);
    }

    /** {@code size} octets of one line that has no end. */
    private static MessageContent generatedLine(long size) {
        return generated(size, position -> (byte) 'x');
    }

    interface Octets {
        byte at(long position);
    }

    private static MessageContent generated(long size, Octets octets) {
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream openStream() {
                return new InputStream() {
                    private long position;

                    @Override
                    public int read() {
                        return position < size ? octets.at(position++) & 0xff : -1;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) {
                        if (length == 0) {
                            return 0;
                        }
                        if (position >= size) {
                            return -1;
                        }
                        int n = (int) Math.min(length, size - position);
                        for (int i = 0; i < n; i++) {
                            buffer[offset + i] = octets.at(position + i);
                        }
                        position += n;
                        return n;
                    }
                };
            }
        };
    }

    private static MessageContent file(Path path) throws IOException {
        long size = Files.size(path);
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream openStream() throws IOException {
                return Files.newInputStream(path);
            }
        };
    }

    private Path write(MessageContent content) throws IOException {
        Path file = folder.resolve("message-" + System.nanoTime() + ".eml");
        try (OutputStream out = Files.newOutputStream(file)) {
            content.writeTo(out);
        }
        return file;
    }

    /** dkimpy's verdict ("True"/"False") on the message in the file, with the record given for any selector. */
    private static String dkimpyVerdict(Path file, String record) throws Exception {
        List<String> lines = Python.run("dkim, nacl", "python3-dkim python3-nacl", String.join("\n",
                "import dkim, sys",
                "message = open(sys.argv[1], 'rb').read()",
                "record = sys.argv[2].encode()",
                "print(dkim.verify(message, dnsfunc=lambda name, timeout=5: record))"), file.toString(), record).lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static Instant deadline() {
        return Instant.now().plusSeconds(5);
    }

    private static Dkim only(List<Dkim> results) {
        assertEquals(1, results.size(), results.toString());
        return results.get(0);
    }

    private static String rsaRecord() {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(rsa.getPublic().getEncoded());
    }

    private static String ed25519Record() {
        byte[] spki = ed25519.getPublic().getEncoded();
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(spki, spki.length - 32,
                spki.length));
    }
}
