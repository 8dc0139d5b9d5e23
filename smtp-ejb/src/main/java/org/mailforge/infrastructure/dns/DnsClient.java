package org.mailforge.infrastructure.dns;

import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * DNS questions for the checks of received mail (SPF, DKIM keys, DMARC records), each answered
 * within the time left to the message's check: an answer that comes later counts as a temporary
 * error, so a slow DNS delays mail by seconds at most. Answers are cached for their TTL (at most
 * five minutes), as a resolver would.
 *
 * <p>A client {@link #forSenderChecks made for the sender checks} fails fast: when
 * {@link #FAILURES_TO_OPEN} questions in a row go unanswered (a timeout of a second or
 * more, a server failure), DNS counts as failing: for {@link #OPEN_FOR} every question is answered
 * with a temporary error at once, instead of each message waiting out its own timeouts (a dead
 * resolver cost every message its seconds: 23 stored messages a second). Then questions go out
 * again; one answer ends it, one more failure starts another period. Only there: a sender can
 * make questions about its own domains time out, and an answer that fails fast must never weaken
 * a decision about someone else's (MTA-STS policy discovery, DNS lists and ARC keep asking).
 */
public final class DnsClient {

    /** Longest wait for one answer, even with more time left. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    private static final int MAX_CACHE_SECONDS = 300;

    /** DNS did not answer (in time, or at all): the check's result is {@code temperror}. */
    public static final class DnsTimeoutException extends Exception {
        public DnsTimeoutException(String message) {
            super(message);
        }
    }

    /** What DNS said about a name and type: the records, or none (the name or the type does not exist). */
    public record Answer(List<Record> records, boolean nameExists) {
        public boolean isEmpty() {
            return records.isEmpty();
        }
    }

    /** Unanswered questions in a row after which DNS counts as failing. */
    static final int FAILURES_TO_OPEN = 5;
    /** How long questions are refused at once while DNS is failing. */
    static final Duration OPEN_FOR = Duration.ofSeconds(30);
    /** A timeout shorter than this says more about the message's time budget than about DNS. */
    private static final long FAILURE_MIN_WAIT_MILLIS = 1000;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(DnsClient.class.getName());

    /** The answer for a name DNS could not hold: nobody was asked, so it says nothing about DNS. */
    private static final Answer NOT_A_NAME = new Answer(List.of(), false);

    private final LookupSession session;
    private final java.util.function.LongSupplier nanoClock;
    private final java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
    /** System.nanoTime until which DNS counts as failing; meaningful while {@link #failing} is set. */
    private volatile long failingUntil;
    private volatile boolean failing;
    /** After a period: the one question let through to see whether DNS answers again (the others still fail at once). */
    private final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();

    /** Whether this client stops asking while DNS is failing. */
    private final boolean failsFast;

    public DnsClient(Resolver resolver) {
        this(resolver, System::nanoTime, false);
    }

    /** A client that reads the time from {@code nanoClock} (a test's). */
    DnsClient(Resolver resolver, java.util.function.LongSupplier nanoClock, boolean failsFast) {
        this.nanoClock = nanoClock;
        this.failsFast = failsFast;
        Cache cache = new Cache(DClass.IN);
        cache.setMaxCache(MAX_CACHE_SECONDS);
        cache.setMaxNCache(MAX_CACHE_SECONDS);
        this.session = LookupSession.builder().resolver(resolver).cache(cache).clearSearchPath().build();
    }

    /**
     * The resolver to ask: {@code host} or {@code host:port} (SMTP_DNS_SERVER), or the system's
     * when null.
     */
    public static Resolver resolver(String server, Duration timeout) {
        try {
            Resolver chosen;
            if (server == null) {
                chosen = new ExtendedResolver();
            } else {
                int colon = server.lastIndexOf(':');
                boolean hasPort = colon > 0 && server.indexOf(':') == colon;
                SimpleResolver simple = new SimpleResolver(hasPort ? server.substring(0, colon) : server);
                if (hasPort) {
                    simple.setPort(Integer.parseInt(server.substring(colon + 1)));
                }
                chosen = simple;
            }
            chosen.setTimeout(timeout);
            return chosen;
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("SMTP_DNS_SERVER=" + server + " is not a usable resolver address", e);
        }
    }

    /** A resolver for these checks: answers within {@link #QUERY_TIMEOUT}. */
    public static DnsClient forChecks(String server) {
        return new DnsClient(resolver(server, QUERY_TIMEOUT));
    }

    /** The same for the sender checks of received mail (SPF, DKIM, DMARC), failing fast while DNS is failing. */
    public static DnsClient forSenderChecks(String server) {
        return new DnsClient(resolver(server, QUERY_TIMEOUT), System::nanoTime, true);
    }

    /**
     * Asks for the records of a type at a name.
     *
     * @throws DnsTimeoutException no answer before the deadline, or a server failure
     */
    public Answer query(String name, int type, Instant deadline) throws DnsTimeoutException {
        long millis = Math.min(QUERY_TIMEOUT.toMillis(), Duration.between(Instant.now(), deadline).toMillis());
        if (millis <= 0) {
            throw new DnsTimeoutException("no time left to ask DNS for " + name);
        }
        return await(name, start(name, type), millis);
    }

    /**
     * Sends a question and returns at once, so that several can be asked in parallel; {@link
     * #await} takes the answer.
     */
    public CompletableFuture<Answer> start(String name, int type) {
        Name absolute;
        try {
            absolute = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(NOT_A_NAME); // not a name DNS could hold: DNS is not asked
        }
        if (failing && (nanoClock.getAsLong() - failingUntil < 0 || !probing.compareAndSet(false, true))) {
            // failing: at once; after the period one question goes out, and the others fail at once until its outcome
            return CompletableFuture.failedFuture(new DnsFailingException(failures.get()));
        }
        return session.lookupAsync(absolute, type).toCompletableFuture().handle((result, failure) -> {
            if (failure == null) {
                return new Answer(result.getRecords(), true);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof NoSuchDomainException) {
                return new Answer(List.of(), false);
            }
            if (cause instanceof NoSuchRRSetException) {
                return new Answer(List.of(), true);
            }
            throw new CompletionException(cause);
        });
    }

    /**
     * The answer of a question {@link #start started} earlier, waiting at most until the deadline.
     *
     * @throws DnsTimeoutException no answer before the deadline, or a server failure
     */
    public Answer await(String name, CompletableFuture<Answer> question, Instant deadline) throws DnsTimeoutException {
        return await(name, question, Math.max(0, Duration.between(Instant.now(), deadline).toMillis()));
    }

    /** Whether DNS counts as failing now: questions are answered with a temporary error at once. */
    public boolean failing() {
        return failing && nanoClock.getAsLong() - failingUntil < 0;
    }

    /** The question was not even sent: DNS is failing. */
    private static final class DnsFailingException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DnsFailingException(int failures) {
            super(failures + " DNS questions in a row went unanswered; asked again within " + OPEN_FOR.toSeconds() + " s", null, false, false);
        }
    }

    private Answer await(String name, CompletableFuture<Answer> question, long millis) throws DnsTimeoutException {
        try {
            Answer answer = question.get(millis, TimeUnit.MILLISECONDS);
            if (answer != NOT_A_NAME) {
                answered();
            }
            return answer;
        } catch (ExecutionException | CompletionException e) {
            if (!(e.getCause() instanceof DnsFailingException)) {
                unanswered();
            }
            throw new DnsTimeoutException("DNS lookup of " + name + " failed: " + e.getCause());
        } catch (TimeoutException e) {
            if (millis >= FAILURE_MIN_WAIT_MILLIS || failing) { // while failing, a probe without an answer in time is one more failure
                unanswered();
            }
            throw new DnsTimeoutException("DNS did not answer for " + name + " within " + millis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsTimeoutException("interrupted while asking DNS for " + name);
        }
    }

    private void answered() {
        if (failures.get() != 0) {
            failures.set(0);
        }
        if (failing) {
            failing = false;
            probing.set(false);
            LOG.info("DNS answers again");
        }
    }

    private void unanswered() {
        if (failsFast && failures.incrementAndGet() >= FAILURES_TO_OPEN) {
            boolean was = failing;
            failingUntil = nanoClock.getAsLong() + OPEN_FOR.toNanos();
            failing = true;
            probing.set(false); // the next period's probe
            if (!was) {
                LOG.warning(() -> failures.get() + " DNS questions in a row went unanswered: for " + OPEN_FOR.toSeconds()
                        + " s the checks of received mail answer temperror at once (SMTP_DNS_SERVER)");
            }
        }
    }
}
