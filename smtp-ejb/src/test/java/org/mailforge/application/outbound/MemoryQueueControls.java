package org.mailforge.application.outbound;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.mailforge.domain.queue.QueueControls;

/** The queue controls in memory, as the database keeps them, for unit tests; queue entries are not held here. */
public class MemoryQueueControls implements QueueControls {

    final Map<String, Suspension> suspended = new TreeMap<>();
    final Map<String, Suppression> suppressed = new HashMap<>();
    final Map<String, int[]> counts = new HashMap<>(); // account + " " + hour -> {messages, bounces}
    final Map<String, HeldAccount> held = new HashMap<>();

    @Override
    public synchronized List<Suspension> suspensions() {
        return List.copyOf(suspended.values());
    }

    @Override
    public synchronized Suspension suspend(String domain, Instant now, String by) {
        return suspended.computeIfAbsent(domain, d -> new Suspension(d, now, by));
    }

    @Override
    public synchronized boolean resume(String domain) {
        return suspended.remove(domain) != null;
    }

    @Override
    public synchronized void suppress(String address, String reason, Instant now, Instant expiresAt) {
        suppressed.put(address, new Suppression(address, reason, now, expiresAt));
    }

    @Override
    public synchronized Optional<Suppression> suppression(String address, Instant now) {
        return Optional.ofNullable(suppressed.get(address)).filter(s -> s.expiresAt().isAfter(now));
    }

    @Override
    public synchronized List<Suppression> suppressions(Instant now, int offset, int limit) {
        return suppressed.values().stream().filter(s -> s.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(Suppression::createdAt).reversed()).skip(offset).limit(limit).toList();
    }

    @Override
    public synchronized long countSuppressions(Instant now) {
        return suppressions(now, 0, Integer.MAX_VALUE).size();
    }

    @Override
    public synchronized boolean unsuppress(String address) {
        return suppressed.remove(address) != null;
    }

    @Override
    public synchronized void countMessage(String account, long epochHour) {
        counts.computeIfAbsent(account + " " + epochHour, k -> new int[2])[0]++;
    }

    @Override
    public synchronized int countBounce(String account, long epochHour) {
        return ++counts.computeIfAbsent(account + " " + epochHour, k -> new int[2])[1];
    }

    @Override
    public synchronized int messagesSince(String account, long sinceHour) {
        int sum = 0;
        for (Map.Entry<String, int[]> entry : counts.entrySet()) {
            int space = entry.getKey().lastIndexOf(' ');
            if (entry.getKey().substring(0, space).equals(account) && Long.parseLong(entry.getKey().substring(space + 1)) >= sinceHour) {
                sum += entry.getValue()[0];
            }
        }
        return sum;
    }

    @Override
    public synchronized boolean holdAccount(String account, Instant now, String reason) {
        return held.putIfAbsent(account, new HeldAccount(account, now, reason)) == null;
    }

    @Override
    public synchronized Optional<HeldAccount> heldAccount(String account) {
        return Optional.ofNullable(held.get(account));
    }

    @Override
    public synchronized List<HeldAccount> heldAccounts() {
        return new ArrayList<>(held.values());
    }

    @Override
    public synchronized boolean releaseAccount(String account) {
        return held.remove(account) != null;
    }

    @Override
    public List<String> holdEntriesOf(String account) {
        return List.of();
    }

    @Override
    public List<String> releaseEntriesOf(String account, Instant now) {
        return List.of();
    }

    @Override
    public int purge(Instant now, long beforeHour) {
        return 0;
    }
}
