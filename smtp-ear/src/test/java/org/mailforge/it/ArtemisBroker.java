package org.mailforge.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ActiveMQ Artemis broker on 127.0.0.1: the distribution from Maven Central
 * ({@code org.apache.activemq:apache-artemis:bin}, unpacked by the build), an instance created with
 * {@code artemis create} (login required, core protocol only, no web console), run in its own JVM.
 */
final class ArtemisBroker implements AutoCloseable {

    static final String USER = "mailforge";
    static final String PASSWORD = "artemis-test-password";

    private final int port;
    private final Path instance;
    private Process process;

    ArtemisBroker(int port, Path instance) {
        this.port = port;
        this.instance = instance;
    }

    /** The resource adapter's connectionParameters for this broker. */
    String connectionParameters() {
        return "host=127.0.0.1;port=" + port;
    }

    ArtemisBroker start() throws Exception {
        Path home = Path.of(System.getProperty("it.artemis.home"));
        Path artemis = home.resolve("bin/artemis");
        artemis.toFile().setExecutable(true);
        if (!Files.exists(instance.resolve("bin/artemis"))) {
            run(List.of(artemis.toString(), "create", "--silent", "--user", USER, "--password", PASSWORD, "--require-login",
                    "--host", "127.0.0.1", "--default-port", String.valueOf(port), "--no-web", "--no-amqp-acceptor",
                    "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", instance.toString()));
        }
        Path broker = instance.resolve("bin/artemis");
        broker.toFile().setExecutable(true);
        process = new ProcessBuilder(broker.toString(), "run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.resolve("broker.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Artemis broker exited; see " + instance.resolve("broker.log"));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return this;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the Artemis broker did not listen on " + port + " within 60 s");
    }

    private static void run(List<String> command) throws Exception {
        Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(create.getInputStream().readAllBytes());
        if (!create.waitFor(120, TimeUnit.SECONDS) || create.exitValue() != 0) {
            throw new IllegalStateException("artemis create failed: " + output);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
