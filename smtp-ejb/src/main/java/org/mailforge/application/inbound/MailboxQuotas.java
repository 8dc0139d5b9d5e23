package org.mailforge.application.inbound;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;

/**
 * The quota check of a delivery, atomic on this node: a mailbox's used space is read and the new
 * message's size promised under that mailbox's lock, and the promise is kept until the delivery's
 * usage is committed (or the delivery fails). Two sessions writing to a nearly full mailbox at
 * the same moment can no longer both pass the check against the usage before either message.
 *
 * <p>Between nodes of a cluster the check is not atomic: each node counts only its own deliveries
 * in flight (the committed usage they share is exact).
 */
@ApplicationScoped
public class MailboxQuotas {

    @Inject
    UserRepository users;

    /** Deliveries in flight per mailbox; an entry lives only while a delivery holds it. */
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        int holders; // changed only inside ConcurrentHashMap.compute
        long promised; // under lock
    }

    /** A recipient's owner (empty: no account) and whether the message fits its quota. */
    public record Claim(String key, Optional<User> owner, boolean fits, long bytes) {

        /** A mailbox the directory found no account for: it fits, nothing is promised or held. */
        public static Claim noAccount(String mailbox) {
            return new Claim(null, Optional.empty(), true, 0);
        }
    }

    /**
     * Looks the owner of a local recipient up and, when the message fits its quota with what other
     * deliveries in flight have promised, promises {@code bytes} of it. Every claim must be
     * {@linkplain #release released}, whether it fits or not.
     */
    public Claim claim(String recipient, long bytes) {
        String key = recipient.toLowerCase(Locale.ROOT);
        Slot slot = slots.compute(key, (k, existing) -> {
            Slot held = existing == null ? new Slot() : existing;
            held.holders++;
            return held;
        });
        slot.lock.lock();
        try {
            Optional<User> owner = users.findByEmail(recipient); // read under the lock: sees every committed usage
            boolean fits = owner.isEmpty() || !owner.get().wouldExceedQuota(slot.promised + bytes);
            long promised = fits && owner.isPresent() ? bytes : 0;
            slot.promised += promised;
            return new Claim(key, owner, fits, promised);
        } catch (RuntimeException e) {
            drop(key);
            throw e;
        } finally {
            slot.lock.unlock();
        }
    }

    /** After the delivery's usage is committed, or when it failed: gives back what the claims promised. */
    public void release(List<Claim> claims) {
        for (Claim claim : claims) {
            if (claim.key() == null) {
                continue; // no account: nothing was held
            }
            Slot slot = slots.get(claim.key());
            slot.lock.lock();
            try {
                slot.promised -= claim.bytes();
            } finally {
                slot.lock.unlock();
            }
            drop(claim.key());
        }
    }

    private void drop(String key) {
        slots.computeIfPresent(key, (k, slot) -> --slot.holders == 0 ? null : slot);
    }

    /** Mailboxes with a delivery in flight (for tests: nothing may be left behind). */
    int inFlight() {
        return slots.size();
    }
}
