package org.mailforge.application.domaincheck;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The outcome of each domain's last daily check, shared by every node; infrastructure implements it. */
public interface DomainCheckRecords {

    /**
     * Takes the domain's daily check for this node when its last one is older than {@code interval}
     * (one node checks it, whichever asks first).
     *
     * @return the checks that failed last time, or empty when the check is not due here
     */
    Optional<List<String>> claim(String domain, Instant now, Duration interval);

    void record(String domain, List<String> failing);
}
