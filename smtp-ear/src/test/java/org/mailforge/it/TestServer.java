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
import java.util.stream.Stream;

/** Where the server started by the build for the integration tests listens and keeps its data. */
final class TestServer {

    static final String HOST = "127.0.0.1";
    static final int SMTP_PORT = Integer.getInteger("it.smtp.port", TestPorts.port(2525));
    static final int HTTP_PORT = Integer.getInteger("it.http.port", TestPorts.port(8080));
    static final int METRICS_PORT = Integer.getInteger("it.metrics.port", TestPorts.port(8081));
    static final Path DATA = Path.of(System.getProperty("it.data.dir", "target/it-data"));
    static final Path MAIL = DATA.resolve("mail");

    /** The administrator the test server creates at first start (see src/it/liberty/server.env). */
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "it-admin-password";

    /** The certificate of src/it/tls (SMTP STARTTLS and the API's HTTPS), for localhost and 127.0.0.1. */
    static final Path CERTIFICATE = Path.of("src/it/tls/cert.pem");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade: Liberty's OpenAPI UI filter hangs on it
            .build();

    private TestServer() {
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
                .timeout(Duration.ofSeconds(20)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** An HTTPS client that trusts the test certificate and nothing else, and checks host names as any client does. */
    static HttpClient httpsClient() throws java.security.GeneralSecurityException, IOException {
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(CERTIFICATE)) {
            trusted.setCertificateEntry("mailforge-it", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * A pattern for {@link #metric} that matches the series {@code name} with these labels
     * ({@code "listener", "smtp"}, ...), whatever other labels it has and in whatever order.
     */
    static String series(String name, String... labels) {
        StringBuilder pattern = new StringBuilder(name).append("\\{");
        for (int i = 0; i < labels.length; i += 2) {
            pattern.append("(?=[^}]*").append(labels[i]).append("=\"").append(labels[i + 1]).append("\")");
        }
        return pattern.append("[^}]*\\}").toString();
    }

    /** The value of the one series of {@code /metrics} that matches the pattern (name and labels). */
    static double metric(String seriesPattern) throws IOException, InterruptedException {
        return metric(METRICS_PORT, seriesPattern);
    }

    /** The same for the server whose metrics port is {@code metricsPort}. */
    static double metric(int metricsPort, String seriesPattern) throws IOException, InterruptedException {
        HttpResponse<String> response = get(metricsPort, "/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + response.statusCode());
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + seriesPattern + " ([0-9.eE+-]+)$").matcher(response.body());
        if (!m.find()) {
            throw new AssertionError("no series " + seriesPattern + " in /metrics");
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * Waits until the series reaches at least {@code expected} and returns its value: the
     * counters of listener figures (connections, refusals, rate limits) catch up every 5 s.
     */
    static double awaitMetric(int metricsPort, String seriesPattern, double expected) throws InterruptedException {
        double[] seen = {Double.NaN};
        await(() -> {
            try {
                seen[0] = metric(metricsPort, seriesPattern);
                return seen[0] >= expected;
            } catch (IOException | InterruptedException | AssertionError e) {
                return false;
            }
        }, Duration.ofSeconds(30), seriesPattern + " >= " + expected + " (last seen " + seen[0] + ")");
        return seen[0];
    }

    /** A request to the admin API, with HTTP Basic credentials when {@code user} is not null. */
    static HttpResponse<String> api(String method, String path, String json, String user, String password)
            throws IOException, InterruptedException {
        return api(HTTP_PORT, method, path, json, user, password);
    }

    /** A call to the API of the server on {@code port} (this one, or an {@link ExtraServer}). */
    static HttpResponse<String> api(int port, String method, String path, String json, String user, String password)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (user != null) {
            String token = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            request.header("Authorization", "Basic " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> asAdmin(String method, String path, String json) throws IOException, InterruptedException {
        return api(method, path, json, ADMIN, ADMIN_PASSWORD);
    }

    /** Creates a user through the API and returns its name; fails the test if that does not work. */
    static String createUser(String email, String password) throws IOException, InterruptedException {
        return createUser(HTTP_PORT, ADMIN_PASSWORD, email, password);
    }

    /** The same on another server (an {@link ExtraServer} with its own administrator password). */
    static String createUser(int httpPort, String adminPassword, String email, String password) throws IOException, InterruptedException {
        String username = "u" + Long.toString(System.nanoTime(), 36);
        HttpResponse<String> created = api(httpPort, "POST", "/api/users", "{\"username\":\"" + username + "\",\"email\":\""
                + email + "\",\"password\":\"" + password + "\",\"quota_mb\":100}", ADMIN, adminPassword);
        if (created.statusCode() != 201) {
            throw new AssertionError("could not create user: " + created.statusCode() + " " + created.body());
        }
        return username;
    }

    /** The files delivered to a mailbox's new/ folder, oldest name first. */
    static List<Path> delivered(String mailbox) throws IOException {
        return delivered(MAIL, mailbox);
    }

    /** The same under another server's mail root (an {@link ExtraServer}'s {@code data/mail}). */
    static List<Path> delivered(Path mailRoot, String mailbox) throws IOException {
        Path folder = mailRoot.resolve(mailbox).resolve("new");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    /** A Jakarta Mail session for the test server, with extra properties as key, value pairs. */
    static jakarta.mail.Session mailSession(String... extra) {
        java.util.Properties properties = new java.util.Properties();
        properties.put("mail.smtp.host", HOST);
        properties.put("mail.smtp.port", String.valueOf(SMTP_PORT));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            properties.put(extra[i], extra[i + 1]);
        }
        return jakarta.mail.Session.getInstance(properties);
    }

    /** A mailbox address no other test uses, so tests do not see each other's mail. */
    static String uniqueMailbox(String domain) {
        return "it-" + System.nanoTime() + "@" + domain;
    }

    /** Whether something accepts a TCP connection at address:port within 2 s (every 127/8 address is this host). */
    static boolean accepts(String address, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until the condition holds, polling; fails the test naming what did not happen in time. */
    static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(200);
        }
    }

    /** An HTTP answer as {@link #rawGet} read it. */
    record RawResponse(int status, java.util.Map<String, String> headers, String body) {
    }

    /**
     * An HTTP/1.1 GET with Basic credentials from a chosen loopback address (the JDK's client
     * cannot bind one), with extra header lines ({@code "Name: value\r\n"}, or empty).
     */
    static RawResponse rawGet(int port, String from, String path, String user, String password, String extraHeaders) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(from, 0));
            socket.connect(new java.net.InetSocketAddress(HOST, port), 10_000);
            socket.setSoTimeout(30_000);
            String token = java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + ":" + port + "\r\nAuthorization: Basic "
                    + token + "\r\n" + extraHeaders + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int split = response.indexOf("\r\n\r\n");
            String[] head = response.substring(0, split).split("\r\n");
            java.util.Map<String, String> headers = new java.util.TreeMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), head[i].substring(colon + 1).strip());
            }
            return new RawResponse(Integer.parseInt(head[0].split(" ")[1]), headers, response.substring(split + 4));
        }
    }
}
