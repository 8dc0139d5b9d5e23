package org.mailforge.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Programs from outside Maven that some tests drive (swaks, openssl, a Python module). In CI
 * (CI=true) a missing one fails the test, since .ci/run must install it; elsewhere the test is
 * skipped with a message.
 */
final class ExternalTools {

    private ExternalTools() {
    }

    /** Debian's package of each program the tests drive. */
    private static final java.util.Map<String, String> PACKAGES = java.util.Map.ofEntries(
            java.util.Map.entry("openssl", "openssl"),
            java.util.Map.entry("curl", "curl"),
            java.util.Map.entry("swaks", "swaks"),
            java.util.Map.entry("clamd", "clamav-daemon"),
            java.util.Map.entry("spamd", "spamd"),
            java.util.Map.entry("python3", "python3"),
            java.util.Map.entry("haproxy", "haproxy"),
            java.util.Map.entry("dovecot", "dovecot-core"),
            java.util.Map.entry("opendkim", "opendkim"),
            java.util.Map.entry("chromium", "chromium"),
            java.util.Map.entry("chromedriver", "chromium-driver"),
            java.util.Map.entry("dnsmasq", "dnsmasq"),
            java.util.Map.entry("rspamd", "rspamd"),
            java.util.Map.entry("redis-server", "redis-server"),
            java.util.Map.entry("pebble", "pebble"),
            java.util.Map.entry("pebble-challtestsrv", "pebble"),
            java.util.Map.entry("unbound", "unbound"),
            java.util.Map.entry("ldns-keygen", "ldnsutils"),
            java.util.Map.entry("ldns-signzone", "ldnsutils"),
            java.util.Map.entry("ldns-key2ds", "ldnsutils"));

    /**
     * The program's path: on the PATH, or in /usr/sbin or /sbin, where Debian puts daemons and a
     * normal user's PATH does not look. Skips the test (fails it in CI) when there is none.
     */
    static String requireCommand(String command) throws IOException, InterruptedException {
        List<java.nio.file.Path> folders = new java.util.ArrayList<>();
        for (String folder : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!folder.isEmpty()) {
                folders.add(java.nio.file.Path.of(folder));
            }
        }
        folders.add(java.nio.file.Path.of("/usr/sbin"));
        folders.add(java.nio.file.Path.of("/sbin"));
        for (java.nio.file.Path folder : folders) {
            java.nio.file.Path program = folder.resolve(command);
            if (java.nio.file.Files.isRegularFile(program) && java.nio.file.Files.isExecutable(program)) {
                return program.toString();
            }
        }
        require(false, command + " is not installed (Debian package: " + PACKAGES.getOrDefault(command, command) + ")");
        return null;
    }

    /**
     * A file a package installs beside its program (a Dovecot service or driver); skips the test
     * (fails it in CI) when it is missing.
     */
    static void requireFile(String file, String debianPackage) {
        require(java.nio.file.Files.exists(java.nio.file.Path.of(file)), file + " is not installed (Debian package: " + debianPackage + ")");
    }

    /** A Python 3 that can import the module: the one on the PATH, or Debian's. */
    static String requirePython(String module) throws IOException, InterruptedException {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            if (succeeds(List.of(python, "-c", "import " + module))) {
                return python;
            }
        }
        String debian = java.util.Set.of("mailbox", "smtplib", "email").contains(module) ? "python3" // the standard library
                : "python3-" + module.replace('_', '-');
        require(false, "no python3 with the module " + module + " (Debian package: " + debian + ")");
        return null;
    }

    private static boolean succeeds(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void require(boolean found, String problem) {
        if (!found && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(problem + "; .ci/run must install it");
        }
        assumeTrue(found, problem + " here; install it to run this test");
    }
}
