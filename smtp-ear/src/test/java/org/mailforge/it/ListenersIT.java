package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The three listeners of one server, each with its own rules: MX on the SMTP port, submission
 * (RFC 6409) and submission over implicit TLS (RFC 8314), judged by raw sockets, swaks and
 * openssl. The test server runs with TLS, so submission offers AUTH only inside TLS.
 */
class ListenersIT {

    private static final int SUBMISSION_PORT = Integer.getInteger("it.submission.port", TestPorts.port(2587));
    private static final int SUBMISSIONS_PORT = Integer.getInteger("it.submissions.port", TestPorts.port(2465));
    private static final String PASSWORD = "listener-test-pass";

    @Test
    void theMxPortTakesLocalMailWithoutAuthAndRefusesRelaying() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            assertTrue(smtp.reply().startsWith("220 "));
            smtp.command("EHLO mx.client.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<someone@elsewhere.example>"));
            assertTrue(smtp.command("RCPT TO:<victim@elsewhere.example>").startsWith("550 5.7.1"), "no open relay");
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            smtp.send("Subject: over MX\r\n\r\nno AUTH needed\r\n.\r\n");
            assertTrue(smtp.reply().startsWith("250 "));
        }
        assertEquals(1, TestServer.delivered(mailbox).size());
    }

    @Test
    void submissionRequiresAuthAndOffersItOnlyInsideTls() throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SUBMISSION_PORT)) {
            assertTrue(smtp.reply().startsWith("220 "));
            List<String> ehlo = ehlo(smtp);
            assertTrue(ehlo.contains("250 STARTTLS"), ehlo::toString);
            assertTrue(ehlo.stream().noneMatch(line -> line.contains("AUTH")), "no AUTH before STARTTLS: " + ehlo);
            assertEquals("530 5.7.0 Error: authentication required", smtp.command("MAIL FROM:<someone@example.test>"));
        }
    }

    /** Postfix's reject_sender_login_mismatch: a user sends as itself; an administrator as any local address. */
    @Test
    void submissionRefusesASenderTheUserDoesNotOwn() throws Exception {
        String swaks = ExternalTools.requireCommand("swaks");
        String email = "sender" + System.nanoTime() + "@example.test";
        String user = TestServer.createUser(email, PASSWORD);

        Result forged = swaks(swaks, SUBMISSION_PORT, "--tls", user, PASSWORD, "ceo@example.test", email);
        assertNotEquals(0, forged.exit(), forged.output());
        assertTrue(forged.output().contains("553 5.7.1 <ceo@example.test>: Sender address rejected: not owned by user " + user),
                forged.output());

        Result own = swaks(swaks, SUBMISSION_PORT, "--tls", user, PASSWORD, email.toUpperCase(java.util.Locale.ROOT), email);
        assertEquals(0, own.exit(), own.output());
        assertTrue(own.output().contains("250 2.0.0 Ok: queued"), own.output());
        assertEquals(1, TestServer.delivered(email).size());

        String postmasterBox = TestServer.uniqueMailbox("example.test");
        Result admin = swaks(swaks, SUBMISSION_PORT, "--tls", TestServer.ADMIN, TestServer.ADMIN_PASSWORD,
                "no-reply@example.test", postmasterBox);
        assertEquals(0, admin.exit(), "an administrator may send as any local address: " + admin.output());
        Result adminOutside = swaks(swaks, SUBMISSION_PORT, "--tls", TestServer.ADMIN, TestServer.ADMIN_PASSWORD,
                "ceo@elsewhere.example", postmasterBox);
        assertTrue(adminOutside.output().contains("553 5.7.1 <ceo@elsewhere.example>"), "but not as another domain's: " + adminOutside.output());
    }

    /**
     * AUTH on the MX port (SMTP_ENABLE_AUTH=false, the production layout) is no way around the
     * sender check: the envelope at MAIL, and every header From:/Sender: address after the data.
     */
    @Test
    void anAuthenticatedSessionOnTheMxPortSendsOnlyAsItsUser() throws Exception {
        String email = "mxsender" + System.nanoTime() + "@example.test";
        String user = TestServer.createUser(email, PASSWORD);
        String recipient = "friend" + System.nanoTime() + "@remote.test";
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + java.util.Base64.getEncoder()
                    .encodeToString(("\0" + user + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8))));
            assertEquals("553 5.7.1 <ceo@example.test>: Sender address rejected: not owned by user " + user,
                    smtp.command("MAIL FROM:<ceo@example.test>"));
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + email + ">"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            String reply = smtp.command("From: CEO <ceo@example.test>\r\nTo: <" + recipient + ">\r\nSubject: wire\r\n\r\nPay.\r\n.");
            assertEquals("550 5.7.1 Message rejected: header address <ceo@example.test> is not owned by user " + user, reply);
        }
        String queue = TestServer.asAdmin("GET", "/api/queue?domain=remote.test", null).body();
        assertFalse(queue.contains(recipient), "nothing queued: " + queue);
    }

    /** RFC 8314: on the implicit-TLS port the handshake comes first; nothing is said in plaintext. */
    @Test
    void theImplicitTlsPortHandshakesBeforeItsGreeting() throws Exception {
        String openssl = ExternalTools.requireCommand("openssl");
        double before = TestServer.metric(TestServer.series("smtp_connections_total", "listener", "submissions"));

        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(TestServer.HOST, SUBMISSIONS_PORT), 10_000);
            plain.setSoTimeout(2_000);
            InputStream in = plain.getInputStream();
            boolean silent;
            try {
                silent = in.read() < 0;
            } catch (SocketTimeoutException e) {
                silent = true; // waiting for our ClientHello, as it should
            }
            assertTrue(silent, "no plaintext greeting before the TLS handshake");
        }

        Process client = new ProcessBuilder(openssl, "s_client", "-connect", TestServer.HOST + ":" + SUBMISSIONS_PORT,
                "-brief", "-crlf").redirectErrorStream(true).start();
        client.getOutputStream().write("EHLO openssl.example\nQUIT\n".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        assertTrue(client.waitFor(60, TimeUnit.SECONDS));
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.matches("(?s).*Protocol version: TLSv1\\.[23].*"), output);
        assertTrue(output.contains("220 localhost ESMTP Mailforge"), output);
        assertTrue(output.contains("250-AUTH PLAIN LOGIN") || output.contains("250 AUTH PLAIN LOGIN"), "AUTH inside TLS: " + output);
        assertFalse(output.contains("STARTTLS"), "TLS is already on: " + output);

        String swaks = ExternalTools.requireCommand("swaks");
        String email = "implicit" + System.nanoTime() + "@example.test";
        String user = TestServer.createUser(email, PASSWORD);
        Result sent = swaks(swaks, SUBMISSIONS_PORT, "--tlsc", user, PASSWORD, email, email);
        assertEquals(0, sent.exit(), sent.output());
        List<Path> files = TestServer.delivered(email);
        assertEquals(1, files.size());
        assertTrue(Files.readString(files.get(0)).contains(" with ESMTPSA id "), "TLS and AUTH in the trace header");

        TestServer.awaitMetric(TestServer.METRICS_PORT, TestServer.series("smtp_connections_total", "listener", "submissions"),
                before + 3);
    }

    private static List<String> ehlo(SmtpConnection smtp) throws IOException {
        smtp.send("EHLO submission.client.example\r\n");
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = SmtpConnection.readLine(smtp.input());
            lines.add(line);
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    private record Result(int exit, String output) {
    }

    /** One message through swaks with AUTH PLAIN, over STARTTLS ({@code --tls}) or implicit TLS ({@code --tlsc}). */
    private static Result swaks(String swaks, int port, String tls, String user, String password, String from, String to)
            throws IOException, InterruptedException {
        return run(swaks, "--server", TestServer.HOST, "--port", String.valueOf(port), tls,
                "--auth", "PLAIN", "--auth-user", user, "--auth-password", password, "--from", from, "--to", to,
                "--header", "Subject: submission test");
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        return new Result(process.exitValue(), output);
    }
}
