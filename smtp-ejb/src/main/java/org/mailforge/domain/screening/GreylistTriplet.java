package org.mailforge.domain.screening;

import java.time.Duration;
import java.time.Instant;

/**
 * A greylisting triplet (client network, envelope sender, recipient), shared by every node (the
 * {@code greylist} table): when
 * it was first seen, when it passed (null while it waits), whether it earned that with a retry
 * after the delay (a triplet let through at once, by the auto-allow or a known sender domain,
 * did not, and never counts toward letting others through), when it was last seen. The id is a
 * digest of the three, so a long address cannot make the key long.
 */
public final class GreylistTriplet {

    private final String id;
    private final String network;
    private final String senderDomain;
    private final Instant firstSeen;
    private Instant passedAt;
    private boolean earned;
    private Instant lastSeen;

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

    /** A triplet as stored. */
    public static GreylistTriplet stored(String id, String network, String senderDomain, Instant firstSeen, Instant passedAt,
            boolean earned, Instant lastSeen) {
        GreylistTriplet triplet = new GreylistTriplet(id, network, senderDomain, firstSeen, false);
        triplet.passedAt = passedAt;
        triplet.earned = earned;
        triplet.lastSeen = lastSeen;
        return triplet;
    }

    public Instant getPassedAt() {
        return passedAt;
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
