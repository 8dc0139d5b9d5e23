package org.mailforge.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Let's Encrypt's test ACME server, Pebble (Debian package {@code pebble}), on 127.0.0.1, with its
 * companion {@code pebble-challtestsrv} as the DNS server its validation asks: every name is
 * 127.0.0.1 unless a test points it elsewhere. Pebble's own HTTPS certificate is made here with
 * openssl and signed by a throw-away CA, whose file the server under test is told to trust
 * (SMTP_ACME_CA_FILE). Challenges are validated for real: HTTP-01 on {@code httpPort}.
 */
final class Pebble implements AutoCloseable {

    private final Path folder;
    private final int port;
    private final int dnsManagementPort;
    private final Process challtestsrv;
    private final Process pebble;

    /**
     * @param port     Pebble's ACME port; it also takes port+1 (its management), port+2 (challtestsrv's DNS) and
     *                 port+3 (challtestsrv's management)
     * @param httpPort where Pebble connects for HTTP-01 challenges
     */
    Pebble(Path folder, int port, int httpPort) throws Exception {
        this.folder = folder;
        this.port = port;
        this.dnsManagementPort = port + 3;
        String openssl = ExternalTools.requireCommand("openssl");
        String pebbleCommand = ExternalTools.requireCommand("pebble");
        String challtest = ExternalTools.requireCommand("pebble-challtestsrv");
        Files.createDirectories(folder);
        run(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                "-subj", "/CN=Mailforge test ACME directory CA");
        run(openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "pebble.key", "-out", "pebble.csr", "-subj", "/CN=localhost");
        Files.writeString(folder.resolve("san.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run(openssl, "x509", "-req", "-in", "pebble.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "pebble.pem", "-days", "2", "-extfile", "san.cnf");
        Files.writeString(folder.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(port, port + 1, folder.resolve("pebble.pem"), folder.resolve("pebble.key"), httpPort, port + 4));
        challtestsrv = new ProcessBuilder(challtest, "-dns01", "127.0.0.1:" + (port + 2), "-management", "127.0.0.1:" + dnsManagementPort,
                "-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
                .redirectErrorStream(true).redirectOutput(folder.resolve("challtestsrv.log").toFile()).start();
        ProcessBuilder builder = new ProcessBuilder(pebbleCommand, "-config", folder.resolve("pebble.json").toString(),
                "-dnsserver", "127.0.0.1:" + (port + 2))
                .redirectErrorStream(true).redirectOutput(folder.resolve("pebble.log").toFile());
        builder.environment().put("PEBBLE_VA_NOSLEEP", "1"); // no artificial waits before validating
        builder.environment().put("PEBBLE_WFE_NONCEREJECT", "0"); // no random bad-nonce answers
        builder.environment().put("PEBBLE_AUTHZREUSE", "0"); // every order proves its names again
        pebble = builder.start();
        TestServer.await(() -> TestServer.accepts("127.0.0.1", port) && TestServer.accepts("127.0.0.1", dnsManagementPort),
                Duration.ofSeconds(30), "Pebble and pebble-challtestsrv listen (see " + folder + ")");
    }

    /** The directory URL (SMTP_ACME_DIRECTORY). */
    String directory() {
        return "https://127.0.0.1:" + port + "/dir";
    }

    /** The CA that signed Pebble's own HTTPS certificate (SMTP_ACME_CA_FILE). */
    Path caFile() {
        return folder.resolve("ca.pem");
    }

    /**
     * A TLS context that trusts what Pebble issues: its root, from its management port (Pebble makes
     * a new root at every start).
     */
    javax.net.ssl.SSLContext trustingIssued() throws Exception {
        java.security.KeyStore directoryCa = java.security.KeyStore.getInstance("PKCS12");
        directoryCa.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(caFile())) {
            directoryCa.setCertificateEntry("directory", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        String root = HttpClient.newBuilder().sslContext(context(directoryCa)).build().send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + (port + 1) + "/roots/0")).build(), HttpResponse.BodyHandlers.ofString()).body();
        java.security.KeyStore issued = java.security.KeyStore.getInstance("PKCS12");
        issued.load(null, null);
        issued.setCertificateEntry("pebble-root", java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(root.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        return context(issued);
    }

    private static javax.net.ssl.SSLContext context(java.security.KeyStore trusted) throws Exception {
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Points {@code host}'s A record (as Pebble's validation sees it) at {@code address}. */
    void pointAt(String host, String address) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + dnsManagementPort + "/add-a"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"host\":\"" + host + ".\",\"addresses\":[\"" + address + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("challtestsrv add-a answered " + response.statusCode() + ": " + response.body());
        }
    }

    private void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
    }

    @Override
    public void close() {
        for (Process process : List.of(pebble, challtestsrv)) {
            process.destroy();
        }
    }
}
