package org.mailforge.domain.screening;

import java.time.Duration;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A greylisting triplet (client network, envelope sender, recipient), shared by every node: when
 * it was first seen, when a retry was first taken (null while it waits), when it was last seen.
 * The id is a digest of the three, so a long address cannot make the key long.
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

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    protected GreylistTriplet() {
        // for JPA
    }

    public GreylistTriplet(String id, String network, String senderDomain, Instant firstSeen, boolean passed) {
        this.id = id;
        this.network = network;
        this.senderDomain = senderDomain;
        this.firstSeen = firstSeen;
        this.passedAt = passed ? firstSeen : null;
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

    /** When a retry of this triplet is taken: {@code delay} after it was first seen. */
    public Instant retryFrom(Duration delay) {
        return firstSeen.plus(delay);
    }

    /** A retry was taken (the first one, or a later one: then only the time it was seen moves on). */
    public void seen(Instant now) {
        if (passedAt == null) {
            passedAt = now;
        }
        lastSeen = now;
    }
}
