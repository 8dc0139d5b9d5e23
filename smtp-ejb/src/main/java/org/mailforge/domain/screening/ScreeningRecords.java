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

    /** A retry of a stored triplet was taken at {@code now}: the first one earns its pass ({@link GreylistTriplet#seen}). */
    void seen(String id, Instant now);

    /** A waiting triplet whose retry window passed starts over, as if first seen {@code now}. */
    void restart(String id, Instant now);

    /** Triplets from this client network that earned their pass, up to {@code enough} (the count stops there). */
    int earnedFrom(String network, int enough);

    /** Whether mail from this sender domain earned a pass before, from any network. */
    boolean domainEarned(String senderDomain);

    /** Until when the client is known to wait for its greeting (passed the early-talker test), if it is. */
    Optional<Instant> greetingPassedUntil(String address);

    /**
     * Remembers passes of the early-talker test (client key to the time the pass ends), all in
     * one transaction; may throw when another node remembers one of them at the same moment.
     */
    void greetingPassed(java.util.Map<String, Instant> passes);

    /**
     * Forgets up to {@code limit} triplets no longer of use: those that passed and were last seen
     * before {@code passedBefore}, those still waiting first seen before {@code waitingBefore}.
     *
     * @return the rows removed ({@code limit} when there may be more)
     */
    int purgeTriplets(Instant passedBefore, Instant waitingBefore, int limit);

    /** Forgets up to {@code limit} early-talker passes that ran out before {@code now}. */
    int purgeGreetingPasses(Instant now, int limit);
}
