package org.mailforge.infrastructure.dns;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Stops asking a resolver that has stopped answering. It watches the questions that go out on
 * the wire ({@link #guard}): any response, whatever its code (NXDOMAIN, SERVFAIL, REFUSED), is an
 * answer; only a question that gets no response at all is unanswered. After {@code threshold}
 * unanswered in a row (SMTP_DNS_FAILURE_THRESHOLD) the resolver itself is asked, twice, for the
 * root's NS records, which a recursive resolver holds without asking the internet; only when no
 * response of any kind arrived since the probe went out is no question sent for {@code pause}
 * (SMTP_DNS_FAILURE_PAUSE_SECONDS). Meanwhile answers still come from the cache, and what would
 * go to the resolver fails at once, which the checks of received mail record as {@code
 * temperror}, instead of every message waiting out its own timeouts. When the pause is over the
 * probe goes out again, alone: a response closes the breaker, none begins another pause. Without
 * it a dead resolver cost every message seconds (issue 38: 23 stored messages a second).
 *
 * <p>The probe is what keeps a client from tripping it: mail from domains whose name servers do
 * not answer leaves questions unanswered too, but the resolver answers the probe (or any other
 * question meanwhile), so the count starts again and everyone else's checks go on (under {@code
 * SMTP_DMARC_POLICY=enforce} a paused check defers mail, which a client must not be able to
 * cause). One breaker serves one client.
 */
public final class DnsBreaker {

    private static final Logger LOG = Logger.getLogger(DnsBreaker.class.getName());

    /** Never stops asking (the tests' resolvers, a threshold of 0). */
    public static final DnsBreaker NEVER = new DnsBreaker(0, Duration.ofSeconds(1), Clock.systemUTC());

    /** A question not sent: the resolver is failing. */
    public static final class NotAsked extends RuntimeException {
        NotAsked(String message) {
            super(message, null, false, false);
        }
    }

    private final int threshold;
    private final Duration pause;
    private final Clock clock;
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile long lastResponse = System.nanoTime();
    private volatile Instant pausedUntil = Instant.MIN;
    private volatile Resolver resolver;

    /**
     * @param threshold unanswered questions in a row that make it probe the resolver; 0: never stop asking
     * @param pause     how long no question is sent when the probe goes unanswered too
     */
    public DnsBreaker(int threshold, Duration pause, Clock clock) {
        this.threshold = threshold;
        this.pause = pause;
        this.clock = clock;
    }

    /** The resolver, as its client's lookups should use it: watched, and not asked while paused. */
    Resolver guard(Resolver resolver) {
        if (threshold == 0) {
            return resolver;
        }
        this.resolver = resolver;
        return new Guarded(resolver);
    }

    /**
     * Whether a question may go out now. When a pause is over, the probe goes out first and
     * questions wait for its verdict (still refused at once): a response closes the breaker, none
     * begins another pause, so a resolver that stays dead costs no message any waiting.
     */
    public boolean mayAsk() {
        Instant until = pausedUntil;
        if (threshold == 0 || until == Instant.MIN) {
            return true;
        }
        Instant now = clock.instant();
        if (!now.isBefore(until) || now.isBefore(until.minus(pause))) { // over (a clock set back does not lengthen it)
            probe();
        }
        return false;
    }

    /** Questions unanswered since the last response. */
    public int unansweredInARow() {
        return unanswered.get();
    }

    /** What {@code /health} says while the resolver is failing; empty while it answers. */
    public Optional<String> problem() {
        return failing.get()
                ? Optional.of("DNS is not answering (" + unanswered.get() + " questions in a row and its probe): the checks of"
                        + " received mail record temperror (SMTP_DNS_SERVER, or the system's resolver)")
                : Optional.empty();
    }

    void responded() {
        lastResponse = System.nanoTime();
        unanswered.set(0);
        pausedUntil = Instant.MIN;
        if (failing.compareAndSet(true, false)) {
            LOG.info("DNS answers again: the checks of received mail ask it again");
        }
    }

    void unanswered() {
        if (threshold > 0 && unanswered.incrementAndGet() >= threshold) {
            probe();
        }
    }

    /** Asks the resolver itself (unless a probe is out already); its verdict closes the breaker or pauses it. */
    private void probe() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        long sent = System.nanoTime();
        CompletableFuture<Message> probe;
        try {
            probe = askRoot().exceptionallyCompose(first -> askRoot()); // one lost packet is not a dead resolver
        } catch (RuntimeException e) {
            probe = CompletableFuture.failedFuture(e);
        }
        probe.whenComplete((response, failure) -> {
            try {
                if (failure == null || lastResponse - sent > 0) {
                    responded(); // the resolver answers: the names' own servers are what failed
                } else {
                    pause();
                }
            } finally {
                probing.set(false);
            }
        });
    }

    private CompletableFuture<Message> askRoot() {
        Resolver asked = resolver;
        if (asked == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no resolver to probe"));
        }
        return asked.sendAsync(Message.newQuery(Record.newRecord(Name.root, Type.NS, DClass.IN))).toCompletableFuture()
                .orTimeout(asked.getTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
    }

    private void pause() {
        pausedUntil = clock.instant().plus(pause);
        if (failing.compareAndSet(false, true)) {
            LOG.warning("DNS failing: " + threshold + " questions in a row and two probes of the resolver unanswered; the checks"
                    + " of received mail answer temperror without asking for " + pause.toSeconds() + " s at a time, until it"
                    + " answers again");
        }
    }

    /** The resolver as the lookups see it: refused while paused, every response and silence counted. */
    private final class Guarded implements Resolver {

        private final Resolver delegate;

        Guarded(Resolver delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query) {
            return sendAsync(query, (Executor) null);
        }

        @Override
        public CompletionStage<Message> sendAsync(Message query, Executor executor) {
            if (!mayAsk()) {
                return CompletableFuture.failedFuture(new NotAsked("DNS is failing (" + unanswered.get()
                        + " questions in a row unanswered): " + query.getQuestion().getName() + " not asked until " + pausedUntil));
            }
            CompletionStage<Message> sent = executor == null ? delegate.sendAsync(query) : delegate.sendAsync(query, executor);
            return sent.whenComplete((response, failure) -> {
                if (failure == null) {
                    responded();
                } else {
                    unanswered();
                }
            });
        }

        @Override
        public void setPort(int port) {
            delegate.setPort(port);
        }

        @Override
        public void setTCP(boolean flag) {
            delegate.setTCP(flag);
        }

        @Override
        public void setIgnoreTruncation(boolean flag) {
            delegate.setIgnoreTruncation(flag);
        }

        @Override
        public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
            delegate.setEDNS(version, payloadSize, flags, options);
        }

        @Override
        public void setTSIGKey(TSIG key) {
            delegate.setTSIGKey(key);
        }

        @Override
        public void setTimeout(Duration timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public Duration getTimeout() {
            return delegate.getTimeout();
        }
    }
}
