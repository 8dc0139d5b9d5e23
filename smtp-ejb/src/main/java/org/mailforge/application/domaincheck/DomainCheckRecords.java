package org.mailforge.application.domaincheck;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The outcome of each domain's last daily check, shared by every node; infrastructure implements it. */
public interface DomainCheckRecords {

    /** What the last check found: whether there was one, and the items that failed ({@code DomainCheck.Item#key}). */
    record Previous(boolean checkedBefore, List<String> failing) {
        public Previous {
            failing = List.copyOf(failing);
        }
    }

    /**
     * Takes the domain's daily check for this node when its last one is older than {@code interval}
     * (one node checks it, whichever asks first).
     *
     * @return what the last check found, or empty when the check is not due here
     */
    Optional<Previous> claim(String domain, Instant now, Duration interval);

    void record(String domain, List<String> failing);
}
