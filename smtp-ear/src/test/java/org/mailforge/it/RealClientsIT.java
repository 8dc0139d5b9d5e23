package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Real SMTP clients judge the protocol: swaks and Python's smtplib, each with STARTTLS and AUTH.
 * In CI (CI=true) a missing client fails the test; elsewhere it is skipped with a message.
 */
class RealClientsIT {

    private static final String PASSWORD = "Real-Client-Pass1";

    private static String run(List<String> command, String stdin) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void swaksWithStartTlsAuthAndPipelining() throws Exception {
        String swaks = ExternalTools.requireCommand("swaks");
        String email = "swaks" + System.nanoTime() + "@example.test";
        String user = TestServer.createUser(email, PASSWORD);
        String output = run(List.of(swaks, "--server", TestServer.HOST, "--port", String.valueOf(TestServer.SMTP_PORT),
                "--from", email, "--to", email, "--tls", "--auth", "PLAIN", "--auth-user", user, "--auth-password", PASSWORD,
                "--pipeline", "--header", "Subject: from swaks", "--body", "swaks was here"), null);
        assertTrue(output.contains("<~  235 2.7.0 Authentication successful"), output);
        assertTrue(output.contains("250 2.0.0 Ok: queued"), output);
        List<Path> files = TestServer.delivered(email);
        assertEquals(1, files.size());
        String stored = Files.readString(files.get(0));
        assertTrue(stored.contains(" with ESMTPSA id ") && stored.contains("swaks was here"), stored);
    }

    @Test
    void pythonSmtplibWithStartTlsLoginAndSmtpUtf8() throws Exception {
        String python = ExternalTools.requirePython("smtplib");
        String email = "python" + System.nanoTime() + "@example.test";
        TestServer.createUser(email, PASSWORD);
        String script = String.join("\n",
                "import smtplib, ssl, sys",
                "ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
                "s = smtplib.SMTP('" + TestServer.HOST + "', " + TestServer.SMTP_PORT + ", timeout=30)",
                "s.ehlo(); s.starttls(context=ctx); s.ehlo()",
                // an administrator: it may send as any local address, jürgen@ included (SMTP_SENDER_LOGIN_MATCH on every port)
                "s.login('" + TestServer.ADMIN + "', '" + TestServer.ADMIN_PASSWORD + "')",
                "msg = 'Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\\r\\n\\r\\nfrom smtplib\\r\\n.leading dot\\r\\n'.encode()",
                "refused = s.sendmail('jürgen@example.test', ['" + email + "'], msg, mail_options=['SMTPUTF8'])",
                "print('refused', refused)",
                "s.quit()",
                "");
        String output = run(List.of(python, "-"), script);
        assertTrue(output.contains("refused {}"), output);
        List<Path> files = TestServer.delivered(email);
        assertEquals(1, files.size());
        String stored = Files.readString(files.get(0));
        assertTrue(stored.startsWith("Return-Path: <jürgen@example.test>\r\n"), stored);
        assertTrue(stored.contains(" with UTF8SMTPSA id "), stored);
        assertTrue(stored.endsWith("\r\nfrom smtplib\r\n.leading dot\r\n"), stored);
    }
}
