package org.mailforge.infrastructure.storage;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique maildir file names in the specification's format
 * {@code <timestamp>.M<microseconds>P<pid>.<hostname>}.
 *
 * <p>Uniqueness within the process comes from a clock that never returns the same microsecond
 * twice; across processes from the pid and host name, as the maildir convention intends.
 */
final class MaildirNames {

    private final AtomicLong lastMicros = new AtomicLong();
    private final long pid = ProcessHandle.current().pid();
    private final String hostname;

    MaildirNames(String hostname) {
        // '/' and ':' would break the path or the info separator: maildir escapes them as octal
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    String next() {
        long now = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        long micros = lastMicros.accumulateAndGet(now, (last, candidate) -> Math.max(last + 1, candidate));
        return (micros / 1_000_000) + ".M" + (micros % 1_000_000) + "P" + pid + "." + hostname;
    }
}
