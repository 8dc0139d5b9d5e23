package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.Test;

/**
 * Credentials never need plain HTTP (#17): the API also answers on HTTPS (SMTP_API_HTTPS_PORT)
 * with the certificate SMTP uses, the Liberty console listens on localhost only, and its key store
 * is locked with the password the administrator set, not with one everybody knows.
 */
class HttpsAndBindingIT {

    private static final int HTTPS_PORT = Integer.getInteger("it.https.port", TestPorts.port(8444));
    private static final int CONSOLE_PORT = Integer.getInteger("it.console.port", TestPorts.port(8443));

    private static HttpResponse<String> getOverHttps(String path, String user, String password) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + HTTPS_PORT + path))
                .timeout(Duration.ofSeconds(30));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return TestServer.httpsClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiAnswersOnHttpsWithTheSmtpCertificate() throws Exception {
        // the application writes the endpoint once it has converted the PEM files; Liberty then opens it
        TestServer.await(() -> TestServer.accepts("127.0.0.1", HTTPS_PORT), Duration.ofSeconds(60), "the API's HTTPS port opens");
        HttpResponse<String> users = getOverHttps("/api/users", TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        assertEquals(200, users.statusCode(), users.body());
        assertTrue(users.body().contains("\"username\":\"admin\""), users.body());
        SSLSession session = users.sslSession().orElseThrow();
        assertTrue(session.getProtocol().equals("TLSv1.3") || session.getProtocol().equals("TLSv1.2"), session.getProtocol());
        try (InputStream in = Files.newInputStream(TestServer.CERTIFICATE)) {
            Certificate expected = CertificateFactory.getInstance("X.509").generateCertificate(in);
            assertArrayEquals(expected.getEncoded(), session.getPeerCertificates()[0].getEncoded(),
                    "the certificate of SMTP_TLS_CERT, not one Liberty made up");
        }
        assertEquals(401, getOverHttps("/api/users", TestServer.ADMIN, "wrong-password").statusCode());
        // the plain port stays as it was
        assertEquals(200, TestServer.asAdmin("GET", "/api/users", null).statusCode());
    }

    @Test
    void theConsoleListensOnLocalhostOnly() throws Exception {
        TestServer.await(() -> TestServer.accepts("127.0.0.1", CONSOLE_PORT), Duration.ofSeconds(60), "the console port opens");
        // every 127/8 address reaches a socket bound to all interfaces; the console is bound to localhost
        assertTrue(!TestServer.accepts("127.0.0.2", CONSOLE_PORT), "the console refuses connections to another address of this host");
        assertTrue(TestServer.accepts("127.0.0.2", TestServer.HTTP_PORT), "the API (SMTP_API_HOST=*) takes them: the check can tell");
    }

    @Test
    void theConsoleKeyStoreIsLockedWithTheConfiguredPassword() throws Exception {
        Path keyStore = Path.of(System.getProperty("it.wlp.home"), "usr/servers", System.getProperty("it.server.name"),
                "resources/security/key.p12");
        TestServer.await(() -> Files.exists(keyStore), Duration.ofSeconds(60), "the console's key store is made");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, "it-keystore-password".toCharArray()); // SMTP_KEYSTORE_PASSWORD of src/it/liberty/server.env
        }
        assertTrue(store.size() > 0);
        KeyStore again = KeyStore.getInstance("PKCS12");
        assertThrows(IOException.class, () -> {
            try (InputStream in = Files.newInputStream(keyStore)) {
                again.load(in, "mailforge-keystore".toCharArray()); // the default of earlier versions
            }
        });
    }
}
