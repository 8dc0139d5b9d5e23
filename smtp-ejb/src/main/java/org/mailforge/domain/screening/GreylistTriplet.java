package org.mailforge.domain.screening;

import java.time.Duration;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A greylisting triplet (client network, envelope sender, recipient), shared by every node: when
 * it was first seen, when it passed (null while it waits), whether it earned that with a retry
 * after the delay (a triplet let through at once, by the auto-allow or a known sender domain,
 * did not, and never counts toward letting others through), when it was last seen. The id is a
 * digest of the three, so a long address cannot make the key long.
 */
@Entity
@Table(name = "greylist")
public class GreylistTriplet {

    @Id
    @Column(length = 64, nullable = false)
    private String id;

    @Column(nullable = false, length = 64)
    private String network;

    @Column(name = "sender_domain", nullable = false, length = 253)
    private String senderDomain;

    @Column(name = "first_seen", nullable = false)
    private Instant firstSeen;

    @Column(name = "passed_at")
    private Instant passedAt;

    @Column(nullable = false)
    private boolean earned;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    protected GreylistTriplet() {
        // for JPA
    }

    /**
     * A triplet seen for the first time.
     *
     * @param allowed let through at once (not earned), or waiting for its retry
     */
    public GreylistTriplet(String id, String network, String senderDomain, Instant firstSeen, boolean allowed) {
        this.id = id;
        this.network = network;
        this.senderDomain = senderDomain;
        this.firstSeen = firstSeen;
        this.passedAt = allowed ? firstSeen : null;
        this.lastSeen = firstSeen;
    }

    public String getId() {
        return id;
    }

    public String getNetwork() {
        return network;
    }

    public String getSenderDomain() {
        return senderDomain;
    }

    public Instant getFirstSeen() {
        return firstSeen;
    }

    public Instant getLastSeen() {
        return lastSeen;
    }

    public boolean passed() {
        return passedAt != null;
    }

    /** Whether it passed with a retry after the delay, as a real mail server's queue does. */
    public boolean earned() {
        return earned;
    }

    /** When a retry of this triplet is taken: {@code delay} after it was first seen. */
    public Instant retryFrom(Duration delay) {
        return firstSeen.plus(delay);
    }

    /** A retry was taken (the first one earns the pass; a later one only moves the time it was seen on). */
    public void seen(Instant now) {
        if (passedAt == null) {
            passedAt = now;
            earned = true;
        }
        lastSeen = now;
    }
}
