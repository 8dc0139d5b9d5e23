package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The release artifact: {@code java -jar mailforge.jar} with nothing but a JRE starts Open Liberty
 * with the EAR on the embedded defaults (settings from the environment) and takes mail: for its
 * users and postmaster, not for unknown local addresses (the default local recipient check).
 */
class RunnableJarIT {

    private static final int SMTP_PORT = TestPorts.port(1725);
    private static final int HTTP_PORT = TestPorts.port(1780);
    private static Process server;
    private static Path folder;

    @BeforeAll
    static void start() throws Exception {
        Path jar = Path.of(System.getProperty("it.runnable.jar"));
        assertTrue(Files.isRegularFile(jar), "the build made " + jar);
        folder = TestServer.DATA.resolveSibling("it-runnable");
        ExtraServer.deleteTree(folder);
        Files.createDirectories(folder);
        ProcessBuilder java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("console.log").toFile());
        Map<String, String> environment = java.environment();
        environment.put("WLP_JAR_EXTRACT_ROOT", folder.resolve("extract").toString());
        environment.put("SMTP_HOST", "127.0.0.1");
        environment.put("SMTP_PORT", String.valueOf(SMTP_PORT));
        environment.put("SMTP_SUBMISSION_PORT", "0"); // the default 2587 may be taken on a build machine
        environment.put("SMTP_HEALTH_PORT", String.valueOf(HTTP_PORT));
        environment.put("SMTP_METRICS_PORT", String.valueOf(HTTP_PORT + 1));
        environment.put("SMTP_ADMIN_CONSOLE_PORT", String.valueOf(HTTP_PORT + 3));
        environment.put("SMTP_ENABLE_AUTH", "false");
        environment.put("SMTP_ADMIN_PASSWORD", "runnable-admin-password");
        environment.put("SMTP_LOCAL_DOMAINS", "example.test");
        environment.put("SMTP_API_HOST", "127.0.0.1"); // the plain API port for this host only
        server = java.start();
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            String console = Files.exists(folder.resolve("console.log")) ? Files.readString(folder.resolve("console.log")) : "";
            if (console.contains("CWWKZ0001I")) {
                return;
            }
            if (!server.isAlive()) {
                throw new AssertionError("java -jar ended: " + console);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the runnable jar did not start the application within 180 s; see " + folder.resolve("console.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.destroy(); // SIGTERM: Liberty stops cleanly
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void startsWithJavaMinusJarAndTakesMail() throws Exception {
        TestServer.await(() -> {
            try (SmtpConnection probe = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
                return probe.reply().startsWith("220 ");
            } catch (Exception e) {
                return false;
            }
        }, java.time.Duration.ofSeconds(60), "the SMTP listener of the runnable jar");
        assertTrue(SmtpConnection.deliver(SMTP_PORT, "someone@example.org", "postmaster@example.test",
                "Subject: from the runnable jar\r\n\r\nhello\r\n").startsWith("250 2.0.0 "));
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO runnable.example");
            smtp.command("MAIL FROM:<someone@example.org>");
            assertEquals("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in local recipient table",
                    smtp.command("RCPT TO:<nobody@example.test>"));
        }
        var admin = TestServer.api(HTTP_PORT, "GET", "/api/users/admin", null, "admin", "runnable-admin-password");
        assertTrue(admin.body().contains("\"messages_received\":1"), "postmaster is an alias of the administrator: " + admin.body());
        var health = TestServer.get(HTTP_PORT, "/health");
        assertEquals(200, health.statusCode(), health.body());
    }

    /** SMTP_API_HOST=127.0.0.1: any other address of this host, loopback included, is refused. */
    @Test
    void theApiListensWhereSmtpApiHostSays() throws Exception {
        TestServer.await(() -> TestServer.accepts("127.0.0.1", HTTP_PORT), java.time.Duration.ofSeconds(60), "the API port opens");
        assertTrue(!TestServer.accepts("127.0.0.2", HTTP_PORT), "127.0.0.2 is refused");
        assertTrue(TestServer.accepts("127.0.0.2", HTTP_PORT + 1), "the metrics port (all interfaces) takes it: the check can tell");
    }

    /**
     * The README's quick start, run as written against the runnable jar (the same embedded
     * defaults as {@code mvn -Prun package}): each command of its block "With the server running",
     * with only this server's ports, password and folder put in, must succeed and show what the
     * README says it shows, so the front door cannot drift from the server again.
     */
    @Test
    void theReadmesQuickStartCommandsDoWhatItSays() throws Exception {
        ExternalTools.requireCommand("swaks");
        ExternalTools.requireCommand("curl");
        String readme = Files.readString(Path.of("..", "README.md"));
        int block = readme.indexOf("```bash", readme.indexOf("With the server running"));
        List<String> commands = readme.substring(block + 7, readme.indexOf("```", block + 7)).lines()
                .map(String::strip).filter(line -> !line.isEmpty()).toList();
        assertEquals(6, commands.size(), "the quick start's commands: " + commands);
        TestServer.await(() -> TestServer.accepts("127.0.0.1", SMTP_PORT), java.time.Duration.ofSeconds(60), "the SMTP listener");
        Path serverFolder; // the jar unpacks below a folder of its own under WLP_JAR_EXTRACT_ROOT
        try (java.util.stream.Stream<Path> found = Files.find(folder.resolve("extract"), 6,
                (path, attributes) -> attributes.isDirectory() && path.endsWith("wlp/usr/servers/mailforge"))) {
            serverFolder = found.findFirst().orElseThrow(() -> new AssertionError("no server folder under " + folder.resolve("extract")));
        }
        List<String> expected = List.of("250 2.0.0", ".", "\"status\"", "\"username\":\"admin\"", "# TYPE", "\"UP\"");
        for (int i = 0; i < commands.size(); i++) {
            String command = commands.get(i)
                    .replace("127.0.0.1:2525", "127.0.0.1:" + SMTP_PORT)
                    .replace("localhost:8080", "127.0.0.1:" + HTTP_PORT)
                    .replace("localhost:8081", "127.0.0.1:" + (HTTP_PORT + 1))
                    .replace("'the password'", "'runnable-admin-password'")
                    .replace(".liberty/wlp/usr/servers/mailforge/", serverFolder + "/");
            Process shell = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
            String output = new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(shell.waitFor(60, TimeUnit.SECONDS), command);
            assertEquals(0, shell.exitValue(), commands.get(i) + "\n" + output);
            assertTrue(output.contains(expected.get(i)), commands.get(i) + " shows " + expected.get(i) + ":\n" + output);
        }
    }

    /** The release jar carries no private key: the console's is made on the machine that runs it. */
    @Test
    void theJarShipsNoKeyStore() throws Exception {
        try (var jar = new java.util.zip.ZipFile(System.getProperty("it.runnable.jar"))) {
            assertTrue(jar.stream().noneMatch(entry -> entry.getName().contains("resources/security/")),
                    "no resources/security/ in the jar");
        }
    }

}
