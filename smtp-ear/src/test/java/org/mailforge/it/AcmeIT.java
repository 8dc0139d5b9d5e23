package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocket;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Certificates by themselves (#35): a fresh server whose only TLS setting is an ACME directory
 * (Pebble, Let's Encrypt's test server, validating HTTP-01 challenges for real against this
 * server's API port) gets its certificate without a restart and serves it on STARTTLS, implicit
 * TLS and the API's HTTPS, as {@code openssl s_client} sees; a name whose challenge fails is left
 * out rather than costing the others their certificate; a renewal replaces the certificate while
 * a TLS session opened before goes on with its own; an order that fails keeps the old certificate
 * and is reported (webhook, metric, API).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AcmeIT {

    private static final int SMTP_PORT = TestPorts.port(3225);
    private static final int SUBMISSIONS_PORT = TestPorts.port(3226);
    private static final int HTTPS_PORT = TestPorts.port(3227);
    private static final int HTTP_PORT = TestPorts.port(3280);
    private static final int PEBBLE_PORT = TestPorts.port(3290); // and 3291-3294
    private static final int WEBHOOK_PORT = TestPorts.port(3295);
    private static final String ADMIN_PASSWORD = "acme-admin-password";

    private static Pebble pebble;
    private static ExtraServer server;
    private static HttpServer webhooks;
    private static final List<String> events = new CopyOnWriteArrayList<>();
    private static X509Certificate first;

    @BeforeAll
    static void start() throws Exception {
        Path data = TestServer.DATA.resolveSibling("it-data-acme");
        ExtraServer.deleteTree(data);
        Files.createDirectories(data);
        pebble = new Pebble(data.resolve("pebble"), PEBBLE_PORT, HTTP_PORT);
        pebble.pointAt("bad.example.test", "127.0.0.9"); // nothing answers there: its challenge fails
        webhooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), WEBHOOK_PORT), 10);
        webhooks.createContext("/hooks", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                events.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhooks.start();
        server = new ExtraServer("mailforgeAcme", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=" + ADMIN_PASSWORD,
                "SMTP_HOSTNAME=mail.example.test",
                "SMTP_ENABLE_AUTH=false", // MX mode: the renewal test sends a message without a login
                "SMTP_API_HOST=127.0.0.1", // not on 127.0.0.9, where bad.example.test points
                "SMTP_ENABLE_TLS=true", // and no SMTP_TLS_CERT: ACME brings the certificate
                "SMTP_SUBMISSIONS_PORT=" + SUBMISSIONS_PORT,
                "SMTP_API_HTTPS_PORT=" + HTTPS_PORT,
                "SMTP_ACME_DIRECTORY=" + pebble.directory(),
                "SMTP_ACME_EMAIL=postmaster@example.test",
                "SMTP_ACME_ACCEPT_TERMS=true",
                "SMTP_ACME_CA_FILE=" + pebble.caFile(),
                "SMTP_ACME_NAMES=api.example.test,bad.example.test",
                "SMTP_WEBHOOK_URL=http://127.0.0.1:" + WEBHOOK_PORT + "/hooks",
                "SMTP_WEBHOOK_EVENTS=certificate.issued,certificate.failed",
                // the domain check asks pebble-challtestsrv, the only DNS here (every name is 127.0.0.1 unless pointed elsewhere)
                "SMTP_DNS_SERVER=127.0.0.1:" + (PEBBLE_PORT + 2)));
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (webhooks != null) {
            webhooks.stop(0);
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    private static HttpResponse<String> api(String method, String path) throws IOException, InterruptedException {
        return TestServer.api(HTTP_PORT, method, path, null, "admin", ADMIN_PASSWORD);
    }

    /** The certificate {@code openssl s_client} is shown on the port (after STARTTLS for smtp), or null. */
    static X509Certificate served(int port, String starttls) {
        try {
            String openssl = ExternalTools.requireCommand("openssl");
            List<String> command = new java.util.ArrayList<>(List.of(openssl, "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "mail.example.test"));
            if (starttls != null) {
                command.addAll(List.of("-starttls", starttls));
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close(); // EOF: s_client ends after the handshake
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            process.waitFor(30, TimeUnit.SECONDS);
            Matcher pem = Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----").matcher(output);
            if (!pem.find()) {
                return null;
            }
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.group().getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean servesPebbles(int port, String starttls, X509Certificate other) {
        X509Certificate certificate = served(port, starttls);
        return certificate != null && certificate.getIssuerX500Principal().getName().contains("Pebble Intermediate CA")
                && (other == null || !certificate.getSerialNumber().equals(other.getSerialNumber()));
    }

    @Test
    @Order(1)
    void aFreshServerGetsItsCertificateAndServesItOnEveryTlsPortWithoutARestart() throws Exception {
        TestServer.await(() -> servesPebbles(SMTP_PORT, "smtp", null), Duration.ofSeconds(90),
                "STARTTLS on the SMTP port shows a certificate Pebble issued");
        TestServer.await(() -> servesPebbles(SUBMISSIONS_PORT, null, null), Duration.ofSeconds(30), "port 465 (implicit TLS) shows it");
        TestServer.await(() -> servesPebbles(HTTPS_PORT, null, null), Duration.ofSeconds(60), "the API's HTTPS shows it");
        first = served(SMTP_PORT, "smtp");
        assertEquals(first.getSerialNumber(), served(SUBMISSIONS_PORT, null).getSerialNumber());
        assertEquals(first.getSerialNumber(), served(HTTPS_PORT, null).getSerialNumber());

        List<String> names = dnsNames(first);
        assertEquals(java.util.Set.of("mail.example.test", "api.example.test", "mta-sts.example.test"), java.util.Set.copyOf(names),
                "the host name, SMTP_ACME_NAMES and mta-sts. of the local domain, without the name whose challenge failed");
        assertFalse(names.contains("bad.example.test"), "the name whose challenge failed is left out: " + names);

        HttpResponse<String> status = api("GET", "/api/certificates");
        assertEquals(200, status.statusCode(), status.body());
        assertTrue(status.body().contains("\"source\":\"acme\""), status.body());
        assertTrue(status.body().matches("(?s).*\"left_out\":\\{\"bad.example.test\":.*"), status.body());
        assertTrue(status.body().contains("bad.example.test: Get \\\"http://bad.example.test:" + HTTP_PORT + "/.well-known/acme-challenge/"),
                "the authority's reason is shown: " + status.body());
        assertEquals(1.0, TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_certificate_orders_total", "result", "issued")));
        TestServer.await(() -> events.stream().anyMatch(e -> e.contains("\"certificate.issued\"") && e.contains("bad.example.test")),
                Duration.ofSeconds(30), "the certificate.issued webhook, naming the name left out");
        assertTrue(TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_certificate_expiry_seconds")) > 86_400);
    }

    @Test
    @Order(2)
    void aRenewalReplacesTheCertificateWhileASessionOpenedBeforeKeepsItsOwn() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", SMTP_PORT)) {
            plain.setSoTimeout(30_000);
            InputStream plainIn = plain.getInputStream();
            OutputStream plainOut = plain.getOutputStream();
            expect(plainIn, null, "220");
            send(plainIn, plainOut, "EHLO before.example", "250");
            send(plainIn, plainOut, "STARTTLS", "220");
            // a client as strict as any: Pebble's root trusted, the host name checked against the certificate
            SSLSocket tls = (SSLSocket) pebble.trustingIssued().getSocketFactory().createSocket(plain, "mail.example.test", SMTP_PORT, true);
            javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            X509Certificate old = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            assertEquals(first.getSerialNumber(), old.getSerialNumber());

            HttpResponse<String> renew = api("POST", "/api/certificates/renew");
            assertEquals(202, renew.statusCode(), renew.body());
            HttpResponse<String> again = api("POST", "/api/certificates/renew");
            assertEquals(409, again.statusCode(), "a second click while the first runs costs no second certificate: " + again.body());
            assertTrue(again.body().contains("a renewal is already under way"), again.body());
            TestServer.await(() -> servesPebbles(SUBMISSIONS_PORT, null, first), Duration.ofSeconds(90),
                    "port 465 serves the renewed certificate");
            TestServer.await(() -> servesPebbles(SMTP_PORT, "smtp", first), Duration.ofSeconds(30), "STARTTLS does too");
            TestServer.await(() -> servesPebbles(HTTPS_PORT, null, first), Duration.ofSeconds(60), "the API's HTTPS does too");

            InputStream in = tls.getInputStream();
            OutputStream out = tls.getOutputStream();
            send(in, out, "EHLO before.example", "250");
            send(in, out, "MAIL FROM:<someone@elsewhere.test>", "250");
            send(in, out, "RCPT TO:<postmaster@example.test>", "250");
            send(in, out, "DATA", "354");
            send(in, out, "Subject: over the old certificate\r\n\r\nstill fine\r\n.", "250");
            assertEquals(old.getSerialNumber(), ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getSerialNumber());
            send(in, out, "QUIT", "221");
        }
        assertEquals(2.0, TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_certificate_orders_total", "result", "issued")));
    }

    @Test
    @Order(3)
    void anOrderThatFailsKeepsTheCertificateAndIsReported() throws Exception {
        X509Certificate current = served(SMTP_PORT, "smtp");
        pebble.pointAt("mail.example.test", "127.0.0.9"); // the host name's own challenge cannot succeed now
        for (int attempt = 1; ; attempt++) {
            long issued = count("certificate.issued");
            assertEquals(202, api("POST", "/api/certificates/renew").statusCode());
            TestServer.await(() -> count("certificate.failed") > 0 || count("certificate.issued") > issued, Duration.ofSeconds(90),
                    "the certificate.failed webhook");
            if (count("certificate.failed") > 0) {
                break;
            }
            // Pebble now and then reuses the host name's valid authorization (PEBBLE_AUTHZREUSE=0 included): that order
            // needed no challenge and got its certificate; the next one must prove the name again
            assertTrue(attempt < 3, "three orders in a row reused the host name's authorization");
            java.math.BigInteger reused = current.getSerialNumber();
            TestServer.await(() -> !served(SMTP_PORT, "smtp").getSerialNumber().equals(reused), Duration.ofSeconds(30),
                    "the listeners take the certificate of the order that reused an authorization");
            current = served(SMTP_PORT, "smtp");
        }
        String failure = events.stream().filter(e -> e.contains("\"certificate.failed\"")).findFirst().orElseThrow();
        assertTrue(failure.contains("mail.example.test"), failure);
        assertEquals(1.0, TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_certificate_orders_total", "result", "failed")));
        HttpResponse<String> status = api("GET", "/api/certificates");
        assertTrue(status.body().contains("\"failures\":1"), status.body());
        assertTrue(status.body().contains("\"last_error\":\"challenge failed: mail.example.test: "), status.body());
        assertEquals(current.getSerialNumber(), served(SMTP_PORT, "smtp").getSerialNumber(), "the certificate in use stays");
    }

    @Test
    @Order(4)
    void theChallengePathAnswersNothingButChallengesInProgress() throws Exception {
        for (String path : List.of("/.well-known/acme-challenge/unknown-token", "/.well-known/acme-challenge/%3Cscript%3E",
                "/.well-known/acme-challenge/" + "a".repeat(200))) {
            HttpResponse<String> response = TestServer.api(HTTP_PORT, "GET", path, null, null, null);
            assertEquals(404, response.statusCode(), path + ": " + response.body());
        }
        assertEquals(401, TestServer.api(HTTP_PORT, "POST", "/api/certificates/renew", null, null, null).statusCode());
    }

    /** The webhook events of this kind received so far. */
    private static long count(String event) {
        return events.stream().filter(e -> e.contains("\"" + event + "\"")).count();
    }

    /** The certificate's DNS names. */
    static List<String> dnsNames(X509Certificate certificate) {
        try {
            return certificate.getSubjectAlternativeNames().stream().filter(entry -> Integer.valueOf(2).equals(entry.get(0)))
                    .map(entry -> String.valueOf(entry.get(1))).toList();
        } catch (java.security.cert.CertificateParsingException e) {
            throw new AssertionError("unreadable names", e);
        }
    }

    /**
     * The web UI's DNS check of a domain (#35 item 5), in a real browser over the HTTPS port ACME
     * gave its certificate: every item is shown, and the certificate passes.
     */
    @Test
    @Order(5)
    void theWebUiShowsADomainsDnsCheck() throws Exception {
        org.openqa.selenium.chrome.ChromeDriver chrome = Chromium.start();
        try {
            var wait = new org.openqa.selenium.support.ui.WebDriverWait(chrome, Duration.ofSeconds(30));
            chrome.get("https://127.0.0.1:" + HTTPS_PORT + "/ui/signin.html");
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id("login")))
                    .sendKeys("admin");
            chrome.findElement(org.openqa.selenium.By.id("password")).sendKeys(ADMIN_PASSWORD, org.openqa.selenium.Keys.ENTER);
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBe(org.openqa.selenium.By.cssSelector("main h1"), "Dashboard"));
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable(
                    org.openqa.selenium.By.cssSelector("#nav a[data-route='domains']"))).click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable(
                    org.openqa.selenium.By.cssSelector("button[aria-label='Check the DNS of example.test']"))).click();
            org.openqa.selenium.WebElement dialog = wait.until(org.openqa.selenium.support.ui.ExpectedConditions
                    .visibilityOfElementLocated(org.openqa.selenium.By.id("dialog")));
            wait.until(browser -> !dialog.findElements(org.openqa.selenium.By.cssSelector("td[data-check]")).isEmpty());
            List<String> checks = dialog.findElements(org.openqa.selenium.By.cssSelector("td[data-check]")).stream()
                    .map(cell -> cell.getAttribute("data-check")).distinct().toList();
            assertEquals(List.of("mx", "spf", "dkim", "dmarc", "mta-sts", "tls-rpt", "ptr", "certificate"), checks);
            assertEquals("pass", dialog.findElement(org.openqa.selenium.By.cssSelector("td[data-check='certificate']")).getText(),
                    "the certificate ACME got carries the host name: " + dialog.getText());
            assertTrue(dialog.findElement(org.openqa.selenium.By.id("dns-check-summary")).getText().startsWith("To fix: "), dialog.getText());
        } finally {
            chrome.quit();
        }
    }

    /** Sends a command and checks the code of its (last) reply line. */
    private static void send(InputStream in, OutputStream out, String command, String code) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        expect(in, command, code);
    }

    private static void expect(InputStream in, String command, String code) throws IOException {
        String line;
        do {
            line = SmtpConnection.readLine(in);
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        assertTrue(line != null && line.startsWith(code), command + " -> " + line);
    }
}
