package org.mailforge.smtp.ratelimit;

import org.mailforge.smtp.spi.RateLimit;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Per-address rate limits shared by every session of a listener: a token bucket per address and
 * limit (capacity = the limit, refilled evenly over the window), so the request after the limit
 * is refused and the budget comes back gradually. IPv6 clients are counted per /64, the block a
 * single site usually gets. Exempt networks are never limited.
 * <p>
 * Memory is bounded: at most {@code maxTracked} addresses are remembered. Addresses whose buckets
 * are full again carry no information and are dropped first; beyond that, the least recently
 * seen go.
 */
public final class RateLimiter {

    private final int[] allowance = new int[RateLimit.values().length];
    private final List<Cidr> exempt;
    private final int maxTracked;
    private final LongSupplier nanoClock;
    private final Consumer<RateLimit> onLimited;
    private final Map<Object, Buckets> tracked = new ConcurrentHashMap<>();

    /**
     * @param limits     allowance per window for each limit; 0 (or absent) switches a limit off
     * @param exempt     networks that are never limited
     * @param maxTracked how many addresses to remember at most
     * @param nanoClock  {@link System#nanoTime()} outside tests
     * @param onLimited  told of every refusal, for the counters
     */
    public RateLimiter(Map<RateLimit, Integer> limits, List<Cidr> exempt, int maxTracked,
                       LongSupplier nanoClock, Consumer<RateLimit> onLimited) {
        limits.forEach((limit, value) -> allowance[limit.ordinal()] = Math.max(0, value));
        this.exempt = List.copyOf(exempt);
        this.maxTracked = maxTracked;
        this.nanoClock = nanoClock;
        this.onLimited = onLimited;
    }

    /** The budget of this client address (unlimited when exempt or when every limit is off). */
    public ClientBudget budgetFor(InetAddress address) {
        return budgetFor(address, onLimited);
    }

    /**
     * The budget of this client address, whose refusals are told to {@code report} (the listener
     * that asked: several listeners share one limiter, each counts its own refusals).
     */
    public ClientBudget budgetFor(InetAddress address, Consumer<RateLimit> report) {
        if (Arrays.stream(allowance).allMatch(value -> value == 0)
                || exempt.stream().anyMatch(network -> network.contains(address))) {
            return ClientBudget.UNLIMITED;
        }
        return new AddressBudget(AddressKey.of(address), report);
    }

    /**
     * Spends one unit of {@code limit} for this address and tells what is left; exempt addresses
     * always get the full allowance.
     */
    public Allowance spend(InetAddress address, RateLimit limit) {
        int allowed = allowance[limit.ordinal()];
        if (allowed == 0 || exempt.stream().anyMatch(network -> network.contains(address))) {
            return new Allowance(true, allowed, allowed, 0, 0);
        }
        long now = nanoClock.getAsLong();
        Allowance answer = buckets(AddressKey.of(address), now).spend(limit, now);
        if (!answer.allowed()) {
            onLimited.accept(limit);
        }
        return answer;
    }

    /**
     * Gives back one unit spent up front for something that turned out not to count (a login that
     * succeeded: the failure budget is taken before the password is checked, so that concurrent
     * guesses cannot all pass a check of what is left).
     */
    public void refund(InetAddress address, RateLimit limit) {
        if (allowance[limit.ordinal()] == 0 || exempt.stream().anyMatch(network -> network.contains(address))) {
            return;
        }
        refund((Object) AddressKey.of(address), limit);
    }

    /** {@link #refund(InetAddress, RateLimit)} for a name's budget. */
    public void refund(String name, RateLimit limit) {
        if (allowance[limit.ordinal()] != 0) {
            refund(new NameKey(name), limit);
        }
    }

    private void refund(Object key, RateLimit limit) {
        Buckets buckets = tracked.get(key);
        if (buckets != null) {
            buckets.refund(limit, nanoClock.getAsLong());
        }
    }

    /** What is left of {@code limit} for this address, without spending any. */
    public Allowance peek(InetAddress address, RateLimit limit) {
        int allowed = allowance[limit.ordinal()];
        if (allowed == 0 || exempt.stream().anyMatch(network -> network.contains(address))) {
            return new Allowance(true, allowed, allowed, 0, 0);
        }
        return peek(AddressKey.of(address), limit);
    }

    /**
     * The same budgets for a name rather than an address (an account, or one shared key): nobody
     * is exempt. Spends one unit and tells what is left.
     */
    public Allowance spend(String name, RateLimit limit) {
        int allowed = allowance[limit.ordinal()];
        if (allowed == 0) {
            return new Allowance(true, 0, 0, 0, 0);
        }
        long now = nanoClock.getAsLong();
        Allowance answer = buckets(new NameKey(name), now).spend(limit, now);
        if (!answer.allowed()) {
            onLimited.accept(limit);
        }
        return answer;
    }

    /** What is left of {@code limit} for this name, without spending any. */
    public Allowance peek(String name, RateLimit limit) {
        if (allowance[limit.ordinal()] == 0) {
            return new Allowance(true, 0, 0, 0, 0);
        }
        return peek(new NameKey(name), limit);
    }

    private Allowance peek(Object key, RateLimit limit) {
        long now = nanoClock.getAsLong();
        Allowance answer = buckets(key, now).peek(limit, now);
        if (!answer.allowed()) {
            onLimited.accept(limit);
        }
        return answer;
    }

    /** Names are kept apart from addresses in the one map. */
    private record NameKey(String name) {
    }

    /** How many addresses are remembered right now. */
    public int tracked() {
        return tracked.size();
    }

    private boolean take(AddressKey key, RateLimit limit, Consumer<RateLimit> report) {
        if (allowance[limit.ordinal()] == 0) {
            return true;
        }
        long now = nanoClock.getAsLong();
        boolean taken = buckets(key, now).take(limit, now);
        if (!taken) {
            report.accept(limit);
        }
        return taken;
    }

    private boolean exhausted(AddressKey key, RateLimit limit, Consumer<RateLimit> report) {
        if (allowance[limit.ordinal()] == 0) {
            return false;
        }
        long now = nanoClock.getAsLong();
        boolean exhausted = !buckets(key, now).has(limit, now);
        if (exhausted) {
            report.accept(limit);
        }
        return exhausted;
    }

    private Buckets buckets(Object key, long now) {
        Buckets buckets = tracked.get(key);
        if (buckets == null) {
            if (tracked.size() >= maxTracked) {
                evict(now);
            }
            buckets = tracked.computeIfAbsent(key, k -> new Buckets(allowance, now));
        }
        return buckets;
    }

    /** Drops addresses with full buckets; if that is not enough, the least recently seen tenth. */
    private synchronized void evict(long now) {
        if (tracked.size() < maxTracked) {
            return;
        }
        tracked.values().removeIf(buckets -> buckets.idle(now));
        if (tracked.size() >= maxTracked) {
            int drop = Math.max(1, maxTracked / 10);
            // sorted on a snapshot: sessions keep updating lastSeen, and a sort whose keys move under it throws
            tracked.entrySet().stream()
                    .map(entry -> Map.entry(entry.getKey(), entry.getValue().lastSeen()))
                    .toList().stream()
                    .sorted(Map.Entry.comparingByValue())
                    .limit(drop)
                    .map(Map.Entry::getKey)
                    .toList()
                    .forEach(tracked::remove);
        }
    }

    private final class AddressBudget implements ClientBudget {
        private final AddressKey key;
        private final Consumer<RateLimit> report;

        AddressBudget(AddressKey key, Consumer<RateLimit> report) {
            this.key = key;
            this.report = report;
        }

        @Override
        public boolean tryConnection() {
            return take(key, RateLimit.CONNECTIONS, report);
        }

        @Override
        public boolean tryCommand() {
            return take(key, RateLimit.COMMANDS, report);
        }

        @Override
        public boolean tryMessage() {
            return take(key, RateLimit.MESSAGES, report);
        }

        @Override
        public boolean authBlocked() {
            return exhausted(key, RateLimit.AUTH_FAILURES, report);
        }

        @Override
        public void authFailed() {
            take(key, RateLimit.AUTH_FAILURES, report);
        }

        @Override
        public boolean tryAuth() {
            return take(key, RateLimit.AUTH_FAILURES, report);
        }

        @Override
        public void authSucceeded() {
            refund(key, RateLimit.AUTH_FAILURES);
        }
    }

    /** The token buckets of one address; each starts full and refills evenly over its window. */
    private static final class Buckets {
        private final int[] allowance;
        private final double[] spent;
        private long refilledAt;
        private volatile long lastSeen;

        Buckets(int[] allowance, long now) {
            this.allowance = allowance;
            this.spent = new double[allowance.length];
            this.refilledAt = now;
            this.lastSeen = now;
        }

        long lastSeen() {
            return lastSeen;
        }

        synchronized boolean take(RateLimit limit, long now) {
            refill(now);
            lastSeen = now;
            if (spent[limit.ordinal()] + 1 > allowance[limit.ordinal()]) {
                return false;
            }
            spent[limit.ordinal()] += 1;
            return true;
        }

        synchronized void refund(RateLimit limit, long now) {
            refill(now);
            spent[limit.ordinal()] = Math.max(0, spent[limit.ordinal()] - 1);
        }

        synchronized Allowance spend(RateLimit limit, long now) {
            return allowance(limit, take(limit, now));
        }

        synchronized Allowance peek(RateLimit limit, long now) {
            return allowance(limit, has(limit, now));
        }

        private Allowance allowance(RateLimit limit, boolean allowed) {
            int index = limit.ordinal();
            double nanosPerUnit = limit.window().toNanos() / (double) allowance[index];
            long toFull = (long) Math.ceil(spent[index] * nanosPerUnit / 1e9);
            long toRetry = allowed ? 0 : Math.max(1, (long) Math.ceil((spent[index] + 1 - allowance[index]) * nanosPerUnit / 1e9));
            int remaining = (int) Math.floor(allowance[index] - spent[index]);
            return new Allowance(allowed, allowance[index], remaining, toFull, toRetry);
        }

        synchronized boolean has(RateLimit limit, long now) {
            refill(now);
            return spent[limit.ordinal()] + 1 <= allowance[limit.ordinal()];
        }

        synchronized boolean idle(long now) {
            refill(now);
            return Arrays.stream(spent).allMatch(value -> value == 0);
        }

        private void refill(long now) {
            long elapsed = now - refilledAt;
            if (elapsed <= 0) {
                return;
            }
            for (RateLimit limit : RateLimit.values()) {
                double perNano = allowance[limit.ordinal()] / (double) limit.window().toNanos();
                spent[limit.ordinal()] = Math.max(0, spent[limit.ordinal()] - elapsed * perNano);
            }
            refilledAt = now;
        }
    }
}
