package org.mailforge.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq on 127.0.0.1 as the DNS of a test: the names given and nothing else, NXDOMAIN
 * for any other name in the zones it is local for, REFUSED beyond them (no upstream).
 */
final class Dnsmasq implements AutoCloseable {

    private final Process process;
    private final int port;

    /**
     * @param local   zones it answers for alone ({@code --local=/zone/})
     * @param records {@code --host-record=name,address} values
     */
    Dnsmasq(int port, Path log, List<String> local, List<String> records) throws IOException, InterruptedException {
        this.port = port;
        List<String> command = new ArrayList<>(List.of(ExternalTools.requireCommand("dnsmasq"), "--keep-in-foreground",
                "--no-resolv", "--no-hosts", "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces",
                "--user=root", "--pid-file=", "--log-facility=" + log));
        local.forEach(zone -> command.add("--local=/" + zone + "/"));
        records.forEach(record -> command.add("--host-record=" + record));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.resolveSibling(log.getFileName() + ".out").toFile())
                .start();
        awaitAnswering();
    }

    /** host:port, as SMTP_DNS_SERVER takes it. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** Waits until it answers a query (any answer will do). */
    private void awaitAnswering() throws IOException, InterruptedException {
        byte[] query = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, 'p', 'r', 'o', 'b', 0, 0, 1, 0, 1};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(250);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("dnsmasq exited with " + process.exitValue());
                }
                socket.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
                try {
                    socket.receive(new DatagramPacket(new byte[512], 512));
                    return;
                } catch (java.net.SocketTimeoutException notYet) {
                    // not listening yet
                }
            }
        }
        throw new AssertionError("dnsmasq did not answer on port " + port + " within 30 s");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
