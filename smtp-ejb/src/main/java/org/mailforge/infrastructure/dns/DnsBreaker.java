package org.mailforge.infrastructure.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Stops asking a resolver that has stopped answering. After {@code threshold} questions in a row
 * went unanswered (SMTP_DNS_FAILURE_THRESHOLD), the resolver itself is asked a question that
 * needs nothing from the internet (the root's NS records, which a recursive resolver holds); only
 * when that goes unanswered too is no question asked for {@code pause}
 * (SMTP_DNS_FAILURE_PAUSE_SECONDS): each is refused at once, which the checks of received mail
 * record as {@code temperror}, instead of every message waiting out its own timeouts. Then
 * questions go out again: the first answer (any answer, a refusal of the name or a server failure
 * included: the resolver is alive) closes the breaker; another run of unanswered questions probes
 * again. Without it a dead resolver cost every message seconds (issue 38: 23 stored messages a
 * second).
 *
 * <p>The probe is what keeps a client from tripping it: mail from domains whose name servers do
 * not answer leaves questions unanswered too, but the resolver answers the probe, so the count
 * starts again and everyone else's checks go on (under {@code SMTP_DMARC_POLICY=enforce} a
 * paused check defers mail, which a client must not be able to cause).
 */
public final class DnsBreaker {

    private static final Logger LOG = Logger.getLogger(DnsBreaker.class.getName());

    /** Never stops asking (the tests' resolvers, a threshold of 0). */
    public static final DnsBreaker NEVER = new DnsBreaker(0, Duration.ofSeconds(1), Clock.systemUTC());

    private final int threshold;
    private final Duration pause;
    private final Clock clock;
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile Supplier<CompletableFuture<?>> probe = () -> CompletableFuture.failedFuture(new IllegalStateException("no probe"));
    private volatile Instant pausedUntil = Instant.MIN;

    /**
     * @param threshold unanswered questions in a row that make it probe the resolver; 0: never stop asking
     * @param pause     how long no question is asked when the probe goes unanswered too
     */
    public DnsBreaker(int threshold, Duration pause, Clock clock) {
        this.threshold = threshold;
        this.pause = pause;
        this.clock = clock;
    }

    /**
     * How to ask the resolver itself: completes normally on any response, exceptionally on none.
     * Its client sets it; a breaker serves one client.
     */
    void probeWith(Supplier<CompletableFuture<?>> probe) {
        if (threshold > 0) {
            this.probe = probe;
        }
    }

    /** Questions unanswered since the last answer. */
    public int unansweredInARow() {
        return unanswered.get();
    }

    /** Whether a question may go out now. */
    public boolean mayAsk() {
        return threshold == 0 || !clock.instant().isBefore(pausedUntil);
    }

    /** Why a question is not asked now: for the check's log and its temperror. */
    public String refusal(String name) {
        return "DNS is failing (" + unanswered.get() + " questions in a row unanswered): " + name + " not asked until " + pausedUntil;
    }

    /** The resolver answered a question (records, no such name, no such type, or a server failure). */
    public void answered() {
        unanswered.set(0);
        if (failing.compareAndSet(true, false)) {
            LOG.info("DNS answers again: the checks of received mail ask it again");
        }
    }

    /** A question went unanswered (no answer in the time it was given, or no way to reach the resolver). */
    public void unanswered() {
        if (threshold > 0 && unanswered.incrementAndGet() >= threshold && probing.compareAndSet(false, true)) {
            CompletableFuture<?> asked;
            try {
                asked = probe.get();
            } catch (RuntimeException e) {
                asked = CompletableFuture.failedFuture(e);
            }
            asked.whenComplete((response, failure) -> {
                if (failure == null) {
                    unanswered.set(0); // the resolver answers: the names' own servers are what failed
                } else {
                    pause();
                }
                probing.set(false);
            });
        }
    }

    private void pause() {
        pausedUntil = clock.instant().plus(pause);
        if (failing.compareAndSet(false, true)) {
            LOG.warning("DNS failing: " + threshold + " questions in a row and a probe of the resolver unanswered; the checks of"
                    + " received mail answer temperror without asking for " + pause.toSeconds() + " s at a time, until it answers again");
        }
    }

    /** What {@code /health} says while the resolver is failing; empty while it answers. */
    public Optional<String> problem() {
        return failing.get()
                ? Optional.of("DNS is not answering (" + unanswered.get() + " questions in a row): the checks of received mail"
                        + " record temperror (SMTP_DNS_SERVER, or the system's resolver)")
                : Optional.empty();
    }
}
