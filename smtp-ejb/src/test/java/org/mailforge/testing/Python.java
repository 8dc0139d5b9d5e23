package org.mailforge.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's Python with the independent implementations the tests judge us by (dkimpy, pyspf,
 * authres). A test that needs one skips, naming the Debian package, where it is missing, and
 * fails in CI (which installs them).
 */
public final class Python {

    private Python() {
    }

    /**
     * Runs a script with {@code /usr/bin/python3}; returns its standard output.
     *
     * @param modules  the modules it imports, checked first ({@code "dkim, nacl"})
     * @param packages the Debian packages that bring them, for the skip message
     */
    public static String run(String modules, String packages, String script, String... arguments) throws Exception {
        boolean installed;
        try {
            installed = new ProcessBuilder("/usr/bin/python3", "-c", "import " + modules).start().waitFor() == 0;
        } catch (IOException e) {
            installed = false; // no python3 at all
        }
        assumeTrue(installed || "true".equals(System.getenv("CI")),
                "Python's " + modules + " are not installed here (Debian packages: " + packages + "); install them to run this test");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(List.of(arguments));
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, python.waitFor(), output);
        return output;
    }
}
