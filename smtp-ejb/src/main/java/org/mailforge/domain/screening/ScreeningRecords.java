package org.mailforge.domain.screening;

import java.time.Instant;
import java.util.Optional;

/**
 * What the MX's screening remembers, shared by every node: greylisting triplets and the clients
 * that passed the early-talker test.
 */
public interface ScreeningRecords {

    Optional<GreylistTriplet> triplet(String id);

    /**
     * Stores a triplet seen for the first time.
     *
     * @throws RuntimeException when it cannot, also when another session (on any node) stored it first
     */
    void add(GreylistTriplet triplet);

    /** A retry of a stored triplet was taken at {@code now}. */
    void seen(String id, Instant now);

    /** Triplets from this client network that passed, up to {@code enough} (the count stops there). */
    int passedFrom(String network, int enough);

    /** Whether mail from this sender domain passed greylisting before, from any network. */
    boolean domainPassed(String senderDomain);

    /** Until when the client is known to wait for its greeting (passed the early-talker test), if it is. */
    Optional<Instant> greetingPassedUntil(String address);

    /** Remembers a pass of the early-talker test; may throw when another node remembers the same address at the same moment. */
    void greetingPassed(String address, Instant until);

    /**
     * Forgets what is no longer of use: triplets that passed and were last seen before
     * {@code passedBefore}, those still waiting first seen before {@code waitingBefore}, and
     * early-talker passes that ran out before {@code now}.
     *
     * @return the rows removed
     */
    int purge(Instant passedBefore, Instant waitingBefore, Instant now);
}
