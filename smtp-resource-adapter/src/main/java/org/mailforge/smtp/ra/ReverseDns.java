package org.mailforge.smtp.ra;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Forward-confirmed reverse DNS (FCrDNS) of a client, as Postfix does for its {@code Received:}
 * lines: the PTR name counts only when that name resolves back to the same address. The lookup
 * runs on another thread and is abandoned after the time limit, so a slow resolver delays a
 * greeting by that long at most.
 */
final class ReverseDns {

    /** The two lookups, replaceable in tests; the system resolver otherwise. */
    interface Resolver {
        /** The PTR name, or null when there is none. */
        String nameOf(InetAddress address) throws UnknownHostException;

        InetAddress[] addressesOf(String name) throws UnknownHostException;

        Resolver SYSTEM = new Resolver() {
            @Override
            public String nameOf(InetAddress address) throws UnknownHostException {
                String name = InetAddress.getByAddress(address.getAddress()).getCanonicalHostName();
                return name.equals(address.getHostAddress()) ? null : name;
            }

            @Override
            public InetAddress[] addressesOf(String name) throws UnknownHostException {
                return InetAddress.getAllByName(name);
            }
        };
    }

    private final Resolver resolver;
    private final Executor executor;
    private final Duration timeout;

    ReverseDns(Resolver resolver, Executor executor, Duration timeout) {
        this.resolver = resolver;
        this.executor = executor;
        this.timeout = timeout;
    }

    /** The confirmed name of the address, or null when there is none or the lookup took too long. */
    String verifiedName(InetAddress address) {
        return start(address).get();
    }

    /**
     * Starts the lookup and returns at once, so the caller can do other work meanwhile; the
     * supplier waits for the name, at most until the time limit counted from now.
     */
    Supplier<String> start(InetAddress address) {
        long until = System.nanoTime() + timeout.toNanos();
        CompletableFuture<String> lookup;
        try {
            lookup = CompletableFuture.supplyAsync(() -> lookUp(address), executor);
        } catch (RejectedExecutionException e) {
            return () -> null;
        }
        return () -> {
            try {
                return lookup.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        };
    }

    private String lookUp(InetAddress address) {
        try {
            String name = resolver.nameOf(address);
            if (name == null || name.isBlank()) {
                return null;
            }
            boolean confirmed = Arrays.stream(resolver.addressesOf(name)).anyMatch(address::equals);
            return confirmed ? name.toLowerCase(java.util.Locale.ROOT) : null;
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }
}
