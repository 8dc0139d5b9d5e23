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
    static final int SMTP_PORT = Integer.getInteger("it.smtp.port", 12525);
    static final int HTTP_PORT = Integer.getInteger("it.http.port", 18080);
    static final int METRICS_PORT = Integer.getInteger("it.metrics.port", 18081);
    static final Path DATA = Path.of(System.getProperty("it.data.dir", "target/it-data"));
    static final Path MAIL = DATA.resolve("mail");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer() {
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + path))
                .timeout(Duration.ofSeconds(20)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The files delivered to a mailbox's new/ folder, oldest name first. */
    static List<Path> delivered(String mailbox) throws IOException {
        Path folder = MAIL.resolve(mailbox).resolve("new");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }

    /** A mailbox address no other test uses, so tests do not see each other's mail. */
    static String uniqueMailbox(String domain) {
        return "it-" + System.nanoTime() + "@" + domain;
    }
}
