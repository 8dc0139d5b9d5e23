package org.mailforge.smtp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.smtp.protocol.SmtpSettings;
import org.mailforge.smtp.spi.ServerCertificate;
import org.mailforge.smtp.tls.ServerTls;

/** STARTTLS over a real socket with a certificate loaded from PEM files, as the adapter runs it. */
class StartTlsTest {

    @TempDir
    Path folder;

    /** Writes a self-signed certificate for {@code name} and its key (PKCS#1 "RSA PRIVATE KEY", as openssl writes it). */
    private ServerCertificate writeCertificate(String name) throws Exception {
        ServerCertificate certificate = selfSigned(name);
        Files.writeString(folder.resolve("cert.pem"), pem(certificate.leaf()));
        Files.writeString(folder.resolve("key.pem"), pem(new KeyPair(certificate.leaf().getPublicKey(), certificate.key())));
        return certificate;
    }

    private static ServerCertificate selfSigned(String commonName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plus(Duration.ofDays(1))),
                name, pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        return new ServerCertificate(pair.getPrivate(), List.of(certificate));
    }

    private ServerTls serverContext() throws Exception {
        writeCertificate("localhost");
        return ServerTls.fromPem(folder.resolve("cert.pem"), folder.resolve("key.pem"));
    }

    /** Connects, says EHLO, starts TLS and returns the TLS socket (the session inside TLS, before its EHLO). */
    private static SSLSocket startTls(int port, List<String> ehlo) throws Exception {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        plain.setSoTimeout(10_000);
        LoopbackSmtp.Client client = new LoopbackSmtp.Client(plain);
        assertTrue(client.reply().get(0).startsWith("220 "));
        ehlo.addAll(client.send("EHLO client.example"));
        assertEquals(List.of("220 2.0.0 Ready to start TLS"), client.send("STARTTLS"));
        SSLSocket secure = (SSLSocket) trustingClient().getSocketFactory().createSocket(plain, "localhost", port, true);
        secure.startHandshake();
        return secure;
    }

    private static String subject(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    /**
     * A renewed PEM pair is taken by the next handshake once the listener looks again, while a
     * session already in TLS keeps its own; a renewal caught half-written (the new certificate
     * with the old key) is not taken, and the certificate in use stays.
     */
    @Test
    void aRenewedCertificateIsUsedByTheNextHandshakeAndAnOpenSessionKeepsItsOwn() throws Exception {
        ServerTls tls = serverContext();
        SmtpSettings settings = LoopbackSmtp.settings(folder, Duration.ofSeconds(10), Duration.ofMinutes(1));
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread first = LoopbackSmtp.serveOne(server, settings, new LoopbackSmtp.RecordingListener(), tls, transport -> { });
            try (SSLSocket before = startTls(server.getLocalPort(), new java.util.ArrayList<>())) {
                assertEquals("CN=localhost", subject(before));

                String oldKey = Files.readString(folder.resolve("key.pem"));
                writeCertificate("renewed.example.test");
                Files.writeString(folder.resolve("key.pem"), oldKey); // caught half-written: new certificate, old key
                tls.refresh();
                assertEquals("CN=localhost", subject(tls.certificate().leaf()), "a certificate without its key is not taken");

                ServerCertificate renewed = writeCertificate("renewed.example.test");
                tls.refresh();
                assertTrue(renewed.sameAs(tls.certificate()));
                Thread second = LoopbackSmtp.serveOne(server, settings, new LoopbackSmtp.RecordingListener(), tls, transport -> { });
                try (SSLSocket after = startTls(server.getLocalPort(), new java.util.ArrayList<>())) {
                    assertEquals("CN=renewed.example.test", subject(after));
                    assertTrue(new LoopbackSmtp.Client(after).send("EHLO after.example").get(0).startsWith("250-mx.example.test"));
                }
                second.join(10_000);

                // the session opened before the renewal goes on over its own TLS
                LoopbackSmtp.Client old = new LoopbackSmtp.Client(before);
                assertTrue(old.send("EHLO before.example").get(0).startsWith("250"));
                assertEquals(List.of("221 2.0.0 Bye"), old.send("QUIT"));
                assertEquals("CN=localhost", subject(before));
            }
            first.join(10_000);
        }
    }

    /**
     * TLS whose certificate the application manages (ACME) and has not got yet: no STARTTLS, and
     * AUTH is not offered in plaintext but deferred; once the certificate arrives, both are there.
     */
    @Test
    void aCertificateStillOnTheWayDefersAuthInsteadOfOfferingItInPlaintext() throws Exception {
        java.util.concurrent.atomic.AtomicReference<ServerCertificate> held = new java.util.concurrent.atomic.AtomicReference<>();
        ServerTls tls = ServerTls.fromApplication(held::get);
        tls.refresh();
        assertTrue(tls.configured());
        assertEquals(null, tls.context());
        SmtpSettings settings = LoopbackSmtp.settings(folder, Duration.ofSeconds(10), Duration.ofMinutes(1));
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread session = LoopbackSmtp.serveOne(server, settings, new LoopbackSmtp.RecordingListener(), tls, transport -> { });
            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                plain.setSoTimeout(10_000);
                LoopbackSmtp.Client client = new LoopbackSmtp.Client(plain);
                client.reply();
                List<String> ehlo = client.send("EHLO client.example");
                assertFalse(ehlo.stream().anyMatch(l -> l.contains("STARTTLS") || l.contains("AUTH")), ehlo.toString());
                String credentials = Base64.getEncoder().encodeToString("\0alice\0secret-pass".getBytes(StandardCharsets.UTF_8));
                assertEquals(List.of("454 4.7.0 TLS is not available yet (its certificate is on the way): try again later"),
                        client.send("AUTH PLAIN " + credentials));
                assertTrue(client.send("STARTTLS").get(0).startsWith("454 "), "no STARTTLS without a certificate");
                client.send("QUIT");
            }
            session.join(10_000);

            held.set(selfSigned("acme.example.test"));
            tls.refresh();
            Thread next = LoopbackSmtp.serveOne(server, settings, new LoopbackSmtp.RecordingListener(), tls, transport -> { });
            List<String> ehlo = new java.util.ArrayList<>();
            try (SSLSocket secure = startTls(server.getLocalPort(), ehlo)) {
                assertFalse(ehlo.stream().anyMatch(l -> l.contains("AUTH")), ehlo.toString());
                assertEquals("CN=acme.example.test", subject(secure));
                List<String> secureEhlo = new LoopbackSmtp.Client(secure).send("EHLO client.example");
                assertTrue(secureEhlo.stream().anyMatch(l -> l.endsWith("AUTH PLAIN LOGIN")), secureEhlo.toString());
            }
            next.join(10_000);
        }
    }

    private static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private static SSLContext trustingClient() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    @Test
    void upgradesRefusesPlaintextAuthDiscardsInjectedCommandsAndResetsTheSession() throws Exception {
        ServerTls tls = serverContext();
        LoopbackSmtp.RecordingListener listener = new LoopbackSmtp.RecordingListener();
        SmtpSettings settings = LoopbackSmtp.settings(folder, Duration.ofSeconds(10), Duration.ofMinutes(1));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread serverThread = LoopbackSmtp.serveOne(server, settings, listener, tls, transport -> { });

            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                plain.setSoTimeout(10_000);
                LoopbackSmtp.Client client = new LoopbackSmtp.Client(plain);
                assertTrue(client.reply().get(0).startsWith("220 "));
                List<String> ehlo = client.send("EHLO client.example");
                assertTrue(ehlo.stream().anyMatch(l -> l.substring(4).equals("STARTTLS")), ehlo.toString());
                assertFalse(ehlo.stream().anyMatch(l -> l.contains("AUTH")), "no AUTH in plaintext: " + ehlo);
                String credentials = Base64.getEncoder().encodeToString("\0alice\0secret-pass".getBytes(StandardCharsets.UTF_8));
                assertEquals(List.of("538 5.7.11 Encryption required for requested authentication mechanism"),
                        client.send("AUTH PLAIN " + credentials));

                // a NOOP pipelined behind STARTTLS must not be executed inside the TLS session
                assertEquals(List.of("220 2.0.0 Ready to start TLS"), client.send("STARTTLS\r\nNOOP"));
                SSLSocket secure = (SSLSocket) trustingClient().getSocketFactory()
                        .createSocket(plain, "localhost", server.getLocalPort(), true);
                secure.startHandshake();
                assertTrue(secure.getSession().getProtocol().equals("TLSv1.3") || secure.getSession().getProtocol().equals("TLSv1.2"));
                LoopbackSmtp.Client encrypted = new LoopbackSmtp.Client(secure);
                assertEquals(List.of("503 5.5.1 Error: send HELO/EHLO first"), encrypted.send("MAIL FROM:<alice@example.test>"),
                        "the session starts over after the handshake (and the injected NOOP never ran)");
                List<String> secureEhlo = encrypted.send("EHLO client.example");
                assertFalse(secureEhlo.stream().anyMatch(l -> l.substring(4).equals("STARTTLS")), secureEhlo.toString());
                assertTrue(secureEhlo.stream().anyMatch(l -> l.endsWith("AUTH PLAIN LOGIN")), secureEhlo.toString());
                assertEquals(List.of("235 2.7.0 Authentication successful"), encrypted.send("AUTH PLAIN " + credentials));
                encrypted.send("MAIL FROM:<alice@example.test>");
                encrypted.send("RCPT TO:<bob@example.test>");
                encrypted.send("DATA");
                assertEquals(List.of("250 2.0.0 Ok"), encrypted.send("Subject: secret\r\n\r\nover TLS\r\n."));
                encrypted.send("QUIT");
            }
            serverThread.join(10_000);
        }
        assertEquals(1, listener.delivered.size());
        String message = listener.stored.get(0);
        assertTrue(message.contains("\t(using TLSv1."), message);
        assertTrue(message.contains(" with ESMTPSA id "), message);
    }
}
