package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Another Liberty server with the same server.xml, libraries and EAR as the main test server but
 * its own environment, for tests that need a different configuration or must crash a server.
 */
final class ExtraServer {

    private final String name;
    private final Path wlp;
    private final Path folder;
    private final List<String> settings;
    private Thread stopAtExit;
    private Process stopping;

    /** Stops under way; the test JVM waits for them at exit, so no Liberty outlives the run. */
    private static final java.util.Queue<Process> STOPPING = new java.util.concurrent.ConcurrentLinkedQueue<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process process : STOPPING) {
                try {
                    process.waitFor(180, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "await server stops"));
    }

    /** Creates (afresh) the server {@code name} with the given server.env lines (later lines win). */
    ExtraServer(String name, List<String> basics, List<String> environment) throws IOException {
        this.name = name;
        this.wlp = Path.of(System.getProperty("it.wlp.home"));
        Path template = wlp.resolve("usr/servers/" + System.getProperty("it.server.name"));
        this.folder = wlp.resolve("usr/servers/" + name);
        deleteTree(folder);
        Files.createDirectories(folder);
        // server.xml, the files it includes, and the test servers' JVM options (the POM's)
        try (Stream<Path> configuration = Files.list(template)) {
            for (Path file : configuration.filter(f -> f.getFileName().toString().endsWith(".xml")
                    || f.getFileName().toString().equals("jvm.options")).toList()) {
                Files.copy(file, folder.resolve(file.getFileName()));
            }
        }
        for (String sub : new String[] {"lib", "apps"}) {
            try (Stream<Path> files = Files.list(template.resolve(sub))) {
                Files.createDirectories(folder.resolve(sub));
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, folder.resolve(sub).resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // a setting of the server's own wins over the basics, so each variable appears once
        java.util.Set<String> own = environment.stream().map(line -> line.substring(0, line.indexOf('=') + 1))
                .collect(java.util.stream.Collectors.toSet());
        this.settings = new java.util.ArrayList<>(basics.stream().filter(line -> !own.contains(line.substring(0, line.indexOf('=') + 1))).toList());
        settings.addAll(environment);
        Files.writeString(folder.resolve("server.env"), String.join("\n", settings) + "\n");
    }

    /** The settings every extra server needs: its ports on 127.0.0.1 and its folders under {@code data}. */
    static List<String> basics(int smtpPort, int httpPort, Path data) {
        return List.of(
                "SMTP_HOST=127.0.0.1",
                "SMTP_RATE_LIMIT_EXEMPT=127.0.0.1/32",
                "SMTP_PORT=" + smtpPort,
                "SMTP_SUBMISSION_PORT=0", // one SMTP port each unless a server asks for the others
                "SMTP_SUBMISSIONS_PORT=0",
                "SMTP_HEALTH_PORT=" + httpPort,
                "SMTP_METRICS_PORT=" + (httpPort + 1),
                "SMTP_ADMIN_CONSOLE_PORT=" + (httpPort + 3),
                "SMTP_STORAGE_PATH=" + data.resolve("mail"),
                "SMTP_SPOOL_PATH=" + data.resolve("spool"),
                "SMTP_QUEUE_PATH=" + data.resolve("queue"),
                "SMTP_DB_PATH=" + data.resolve("smtp.db"),
                "SMTP_LOCAL_DOMAINS=example.test",
                "SMTP_REJECT_UNKNOWN_RECIPIENTS=false", // as on the main test server; some servers set it back
                "SMTP_DMARC_POLICY=off", // as on the main test server: no DNS question may leave the machine
                "SMTP_LOCAL_SPOOF_POLICY=report", // as on the main test server: tests write as local addresses
                // what `server create` writes: the console's key store password, random per server
                "keystore_password=" + java.util.HexFormat.of().formatHex(secureRandomBytes()));
    }

    private static byte[] secureRandomBytes() {
        byte[] bytes = new byte[12];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static final java.util.regex.Pattern INBOUND_ENDPOINT_ACTIVE = java.util.regex.Pattern.compile("J2CA8801I: [^\n]*/InboundMailBean\\b");

    /** Starts the server and waits until the application and its SMTP listener are up. */
    void start() throws Exception {
        awaitStopped();
        Files.deleteIfExists(log()); // a previous run's log must not answer for this one
        stopAtExit();
        assertTrue(liberty("start") == 0, "server " + name + " started");
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            String text = Files.exists(log()) ? Files.readString(log()) : "";
            // Liberty's own line for the inbound endpoint, logged once the adapter's listeners are open
            // (Mailforge's "SMTP listener ready" is INFO, which SMTP_LOG_LEVEL=warn leaves out)
            if (text.contains("CWWKZ0001I") && INBOUND_ENDPOINT_ACTIVE.matcher(text).find()) {
                return;
            }
            if (text.contains("CWWKZ0002E") || text.contains("CWWKZ0106E")) {
                throw new AssertionError("the application failed to start on " + name + "; see " + log());
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the application did not start within 180 s; see " + log());
    }

    /**
     * Starts several servers side by side and waits for all: a Liberty start waits on its disk and
     * its own threads part of the time, so two or three together take less than one after another.
     */
    static void startAll(List<ExtraServer> servers) throws Exception {
        List<java.util.concurrent.CompletableFuture<Void>> starts = new java.util.ArrayList<>();
        for (ExtraServer server : servers) {
            starts.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    server.start();
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(starts.toArray(new java.util.concurrent.CompletableFuture<?>[0])).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Asks the server to stop and returns without waiting for it (about 3 s on 2 cores that the
     * next test class would otherwise wait for, ~18 times per run): the last test's shutdown hook
     * waits for every stop still under way. A server that is started again waits for its own stop.
     */
    void stop() throws Exception {
        stopping = launch("stop");
        STOPPING.add(stopping);
        if (stopAtExit != null) {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
            stopAtExit = null;
        }
    }

    /** Stops the server and waits until it has (for a test that then takes away what it uses). */
    void stopAndWait() throws Exception {
        stop();
        awaitStopped();
    }

    /** Waits until a stop asked for earlier has finished (before a restart of the same server). */
    private void awaitStopped() throws InterruptedException {
        if (stopping != null) {
            assertTrue(stopping.waitFor(180, TimeUnit.SECONDS), "server " + name + " stopped");
            stopping = null;
        }
    }

    /**
     * A test run that ends without stopping this server (an error in set-up, a killed build)
     * still stops it when the test JVM exits: no Liberty is left holding ports for the next run.
     */
    private void stopAtExit() {
        if (stopAtExit == null) {
            stopAtExit = new Thread(() -> {
                try {
                    liberty("stop");
                } catch (Exception e) {
                    // the JVM is exiting; nothing more to do
                }
            }, "stop " + name);
            Runtime.getRuntime().addShutdownHook(stopAtExit);
        }
    }

    /** kill -9: the JVM dies at once, no shutdown hooks, nothing flushed. */
    void kill() throws Exception {
        long pid = Long.parseLong(Files.readString(wlp.resolve("usr/servers/.pid/" + name + ".pid")).strip());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no process " + pid));
        process.destroyForcibly();
        process.onExit().get(60, TimeUnit.SECONDS);
    }

    /** Its server.env as NAME=VALUE pairs (later lines win), e.g. for user-cli on the same data. */
    java.util.Map<String, String> settings() {
        java.util.Map<String, String> pairs = new java.util.LinkedHashMap<>();
        for (String line : settings) {
            int equals = line.indexOf('=');
            pairs.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return pairs;
    }

    /** The server's folder in the Liberty installation (wlp/usr/servers/NAME). */
    Path folder() {
        return folder;
    }

    Path log() {
        return folder.resolve("logs/messages.log");
    }

    /** Runs {@code bin/server <action> <name>} and waits for it. */
    private int liberty(String action) throws Exception {
        Process process = launch(action);
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "server " + action + " finished");
        return process.exitValue();
    }

    private Process launch(String action) throws IOException {
        return new ProcessBuilder(wlp.resolve("bin/server").toString(), action, name)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
