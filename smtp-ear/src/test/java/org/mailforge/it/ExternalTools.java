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

    static void requireCommand(String command) throws IOException, InterruptedException {
        require(succeeds(List.of("sh", "-c", "command -v " + command)), command + " is not installed");
    }

    /** A Python 3 that can import the module: the one on the PATH, or Debian's. */
    static String requirePython(String module) throws IOException, InterruptedException {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            if (succeeds(List.of(python, "-c", "import " + module))) {
                return python;
            }
        }
        require(false, "no python3 with the module " + module + " (Debian: python3-" + module.replace('_', '-') + ")");
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
