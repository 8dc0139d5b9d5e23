package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real user-cli jar, run by the JDK that runs the tests, with the settings of a server. */
final class UserCliProcess {

    record Result(int status, String output) {
    }

    private UserCliProcess() {
    }

    /** Runs {@code user-cli args...} with exactly these SMTP_* settings (none inherited from the test's environment). */
    static Result run(Map<String, String> settings, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("it.user.cli.jar")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("SMTP_"));
        builder.environment().putAll(settings);
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "user-cli finished");
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
