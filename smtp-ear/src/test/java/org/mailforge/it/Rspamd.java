package org.mailforge.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rspamd 3.4 with its packaged rules, run on test ports (normal worker, controller,
 * proxy) with a private Redis for its Bayes statistics. Only the local settings differ from a
 * packaged install: its own ports and folders, DNS from the test's resolver, rspamd's own
 * greylisting and rate limits off (Mailforge greylists), and Bayes that classifies after one
 * learnt message of each class instead of 200, so one report shows.
 */
final class Rspamd implements AutoCloseable {

    private final Path folder;
    private final int normalPort;
    private final int controllerPort;
    private final Process redis;
    private final Process rspamd;

    Rspamd(Path folder, int normalPort, int controllerPort, int proxyPort, int redisPort, String dns) throws Exception {
        this.folder = folder;
        this.normalPort = normalPort;
        this.controllerPort = controllerPort;
        String rspamdProgram = ExternalTools.requireCommand("rspamd");
        String redisProgram = ExternalTools.requireCommand("redis-server");
        ExtraServer.deleteTree(folder);
        Path local = Files.createDirectories(folder.resolve("local.d"));
        Files.createDirectories(folder.resolve("db"));
        Files.createDirectories(folder.resolve("run"));
        Files.writeString(local.resolve("worker-normal.inc"), "bind_socket = \"127.0.0.1:" + normalPort + "\";\ncount = 1;\n");
        Files.writeString(local.resolve("worker-controller.inc"), "bind_socket = \"127.0.0.1:" + controllerPort + "\";\n"
                + "secure_ip = \"127.0.0.1\";\ncount = 1;\n");
        Files.writeString(local.resolve("worker-proxy.inc"), "bind_socket = \"127.0.0.1:" + proxyPort + "\";\ncount = 1;\n");
        Files.writeString(local.resolve("logging.inc"), "type = \"file\";\nfilename = \"" + folder.resolve("rspamd.log") + "\";\n"
                + "level = \"info\";\n");
        Files.writeString(local.resolve("options.inc"), "dns {\n  nameserver = [\"" + dns + "\"];\n  timeout = 1s;\n  retransmits = 1;\n}\n");
        Files.writeString(local.resolve("redis.conf"), "servers = \"127.0.0.1:" + redisPort + "\";\n");
        Files.writeString(local.resolve("classifier-bayes.conf"), "backend = \"redis\";\nservers = \"127.0.0.1:" + redisPort + "\";\n"
                + "min_learns = 1;\n");
        Files.writeString(local.resolve("greylist.conf"), "enabled = false;\n");
        Files.writeString(local.resolve("ratelimit.conf"), "enabled = false;\n");
        redis = new ProcessBuilder(redisProgram, "--port", String.valueOf(redisPort), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(folder.resolve("redis.log").toFile()).start();
        List<String> command = new ArrayList<>(List.of(rspamdProgram, "-f", "--var", "LOCAL_CONFDIR=" + folder,
                "--var", "DBDIR=" + folder.resolve("db"), "--var", "RUNDIR=" + folder.resolve("run")));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root", "-g", "root", "-i")); // it would switch to _rspamd, who cannot read the test's folder
        }
        rspamd = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(folder.resolve("rspamd.out").toFile()).start();
    }

    /** Waits until the normal worker answers /ping (its rules compile for a few seconds first). */
    Rspamd awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!rspamd.isAlive()) {
                throw new AssertionError("rspamd exited with " + rspamd.exitValue() + "; see " + folder);
            }
            try {
                HttpResponse<String> pong = http.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (pong.body().contains("pong")) {
                    return this;
                }
            } catch (IOException notYet) {
                // still loading its rules
            }
            Thread.sleep(250);
        }
        throw new AssertionError("rspamd did not answer within 120 s; see " + folder);
    }

    /** The normal worker, as SMTP_RSPAMD_URL takes it. */
    String url() {
        return "http://127.0.0.1:" + normalPort;
    }

    String controllerUrl() {
        return "http://127.0.0.1:" + controllerPort;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : List.of(rspamd, redis)) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
