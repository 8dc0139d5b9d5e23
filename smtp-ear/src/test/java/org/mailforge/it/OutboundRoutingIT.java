package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailforge.infrastructure.outbound.TestDnsServer.a;
import static org.mailforge.infrastructure.outbound.TestDnsServer.mx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailforge.infrastructure.outbound.TestDnsServer;

/**
 * Delivery without a smarthost, on a server of its own: MX lookup against a real DNS server on
 * 127.0.0.1 (SMTP_DNS_SERVER; the MX hosts resolve to 127.0.0.1 and SMTP_MX_PORT points at the
 * test's destination server), opportunistic STARTTLS towards a destination that offers it, and
 * a null MX that returns the message at once.
 */
class OutboundRoutingIT {

    private static final int SMTP_PORT = TestPorts.port(625);
    private static final int HTTP_PORT = TestPorts.port(680);
    private static final int MX_PORT = TestPorts.port(626);
    private static final String PASSWORD = "Routing-Pass-123";

    private static TestDnsServer dns;
    private static SmtpSink destination;
    private static ExtraServer server;
    private static Path data;
    private static String sender;
    private static String user;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDnsServer(Map.of(
                "remote.test.", List.of(mx("remote.test.", 20, "backup.remote.test."), mx("remote.test.", 10, "mx.remote.test.")),
                "mx.remote.test.", List.of(a("mx.remote.test.", "127.0.0.1")),
                "backup.remote.test.", List.of(a("backup.remote.test.", "127.0.0.9")),
                "nomail.test.", List.of(mx("nomail.test.", 0, "."))));
        destination = new SmtpSink(MX_PORT, SmtpSink.testCertificate());
        data = TestServer.DATA.resolveSibling("it-data-routing");
        ExtraServer.deleteTree(data);
        server = new ExtraServer("mailforgeRouting", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=routing-admin-password",
                "SMTP_DNS_SERVER=" + dns.address(),
                "SMTP_MX_PORT=" + MX_PORT,
                "SMTP_OUTBOUND_ALLOW_PRIVATE=true", // the test's MX hosts are on 127.0.0.1
                "SMTP_OUTBOUND_TLS=may",
                "SMTP_OUTBOUND_TIMEOUT_SECONDS=10",
                "SMTP_QUEUE_RETRY_SCHEDULE=2s"));
        server.start();
        sender = TestServer.uniqueMailbox("example.test");
        user = TestServer.createUser(HTTP_PORT, "routing-admin-password", sender, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        destination.close();
        dns.close();
    }

    private static String send(String recipient) throws Exception {
        return SmtpConnection.submit(SMTP_PORT, user, PASSWORD, sender, recipient, "Subject: routed\r\n\r\nby MX");
    }

    @Test
    void mailGoesToThePreferredMxOverStartTls() throws Exception {
        String recipient = "friend" + System.nanoTime() + "@remote.test";
        assertTrue(send(recipient).startsWith("250 "));
        TestServer.await(() -> !destination.receivedFor(recipient).isEmpty(), Duration.ofSeconds(30), "the MX host gets the message");
        SmtpSink.Received received = destination.receivedFor(recipient).get(0);
        assertTrue(received.tls() != null && received.tls().startsWith("TLSv1."), "STARTTLS was used: " + received.tls());
        assertTrue(received.content().contains("Subject: routed"));
        assertTrue(destination.commands().contains("STARTTLS"));
    }

    @Test
    void aNullMxDomainIsReturnedToTheSenderAtOnce() throws Exception {
        String recipient = "anyone@nomail.test";
        assertTrue(send(recipient).startsWith("250 "));
        TestServer.await(() -> bounce(recipient) != null, Duration.ofSeconds(30), "the sender gets a DSN");
        assertTrue(bounce(recipient).contains("Status: 5.1.10"), bounce(recipient));
    }

    private static String bounce(String recipient) {
        Path inbox = data.resolve("mail").resolve(sender).resolve("new");
        if (!Files.isDirectory(inbox)) {
            return null;
        }
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path file : files.toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.contains("Final-Recipient: rfc822; " + recipient)) {
                    return text;
                }
            }
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
