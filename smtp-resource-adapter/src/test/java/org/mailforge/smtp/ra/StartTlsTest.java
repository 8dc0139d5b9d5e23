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
import org.mailforge.smtp.tls.PemTls;

/** STARTTLS over a real socket with a certificate loaded from PEM files, as the adapter runs it. */
class StartTlsTest {

    @TempDir
    Path folder;

    /** Writes a self-signed certificate and its key (PKCS#1 "RSA PRIVATE KEY", as openssl writes it). */
    private SSLContext serverContext() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plus(Duration.ofDays(1))),
                name, pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        Path cert = folder.resolve("cert.pem");
        Path key = folder.resolve("key.pem");
        Files.writeString(cert, pem(certificate));
        Files.writeString(key, pem(pair));
        return PemTls.context(cert, key);
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
        SSLContext tls = serverContext();
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
