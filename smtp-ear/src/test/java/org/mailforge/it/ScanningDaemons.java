package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real clamd and spamd from Debian's packages, started by the tests on 127.0.0.1 (so a test can
 * stop one and bring it back). Both work offline: clamd gets a one-signature database for the
 * EICAR test string, spamd runs with --local on the rules shipped in the package.
 */
final class ScanningDaemons {

    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    static final int CLAMD_PORT = Integer.getInteger("it.clamd.port", TestPorts.port(2530));
    static final int SPAMD_PORT = Integer.getInteger("it.spamd.port", TestPorts.port(2531));

    private static ScanningDaemons shared;

    private final Path folder;
    private Process clamd;
    private Process spamd;

    private final String clamdProgram;
    private final String spamdProgram;

    private ScanningDaemons(Path folder, String clamdProgram, String spamdProgram) {
        this.folder = folder;
        this.clamdProgram = clamdProgram;
        this.spamdProgram = spamdProgram;
    }

    /** Both daemons, started once for all tests (skipped or failed as ExternalTools says when missing). */
    static synchronized ScanningDaemons shared() throws Exception {
        String clamdProgram = ExternalTools.requireCommand("clamd");
        String spamdProgram = ExternalTools.requireCommand("spamd");
        if (shared == null) {
            Path folder = TestServer.DATA.resolveSibling("it-scanners");
            ExtraServer.deleteTree(folder);
            Files.createDirectories(folder.resolve("db"));
            shared = new ScanningDaemons(folder, clamdProgram, spamdProgram);
            shared.writeClamdConfiguration();
            shared.startClamd();
            shared.startSpamd();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stopAll));
        }
        return shared;
    }

    private void writeClamdConfiguration() throws IOException {
        Files.writeString(folder.resolve("db/eicar.ndb"), "Eicar-Test-Signature:0:*:"
                + HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\n");
        Files.writeString(folder.resolve("clamd.conf"), String.join("\n",
                "Foreground yes",
                "TCPSocket " + CLAMD_PORT,
                "TCPAddr 127.0.0.1",
                "DatabaseDirectory " + folder.resolve("db"),
                "LogFile " + folder.resolve("clamd.log"),
                "StreamMaxLength 25M",
                ""));
    }

    void startClamd() throws Exception {
        clamd = new ProcessBuilder(clamdProgram, "-c", folder.resolve("clamd.conf").toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("clamd.out").toFile()).start();
        awaitPort(CLAMD_PORT, "clamd");
    }

    void startSpamd() throws Exception {
        spamd = new ProcessBuilder(spamdProgram, "--listen=127.0.0.1:" + SPAMD_PORT, "--allowed-ips=127.0.0.1", "--local",
                "--max-children=3", "--nouser-config", "--syslog=stderr", "--pidfile=" + folder.resolve("spamd.pid"))
                .redirectErrorStream(true).redirectOutput(folder.resolve("spamd.out").toFile()).start();
        awaitPort(SPAMD_PORT, "spamd");
    }

    void stopClamd() throws Exception {
        stop(clamd);
    }

    void stopSpamd() throws Exception {
        stop(spamd);
    }

    private void stopAll() {
        for (Process process : List.of(clamd, spamd)) {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    private static void stop(Process process) throws Exception {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "daemon stopped");
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    private void awaitPort(int port, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError(what + " did not listen on " + port + " within 120 s; see " + folder);
    }
}
