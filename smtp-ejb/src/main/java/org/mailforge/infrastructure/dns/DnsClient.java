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

    private final LookupSession session;
    private final DnsBreaker breaker;

    /** A client that always asks (tests). */
    public DnsClient(Resolver resolver) {
        this(resolver, DnsBreaker.NEVER);
    }

    public DnsClient(Resolver resolver, DnsBreaker breaker) {
        Cache cache = new Cache(DClass.IN);
        cache.setMaxCache(MAX_CACHE_SECONDS);
        cache.setMaxNCache(MAX_CACHE_SECONDS);
        this.session = LookupSession.builder().resolver(breaker.guard(resolver)).cache(cache).clearSearchPath().build();
        this.breaker = breaker;
    }

    /** Why the checks are not asking DNS now; empty while it answers. */
    public java.util.Optional<String> problem() {
        return breaker.problem();
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

    /** A resolver for these checks: answers within {@link #QUERY_TIMEOUT}; never stops asking. */
    public static DnsClient forChecks(String server) {
        return new DnsClient(resolver(server, QUERY_TIMEOUT));
    }

    /** A resolver for these checks that stops asking while it fails (see {@link DnsBreaker}). */
    public static DnsClient forChecks(String server, DnsBreaker breaker) {
        return new DnsClient(resolver(server, QUERY_TIMEOUT), breaker);
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
            return CompletableFuture.completedFuture(new Answer(List.of(), false)); // not a name DNS could hold
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

    private static Answer await(String name, CompletableFuture<Answer> question, long millis) throws DnsTimeoutException {
        try {
            return question.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof DnsBreaker.NotAsked notAsked) {
                    throw new DnsTimeoutException(notAsked.getMessage());
                }
            }
            throw new DnsTimeoutException("DNS lookup of " + name + " failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw new DnsTimeoutException("DNS did not answer for " + name + " within " + millis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsTimeoutException("interrupted while asking DNS for " + name);
        }
    }
}
