package org.mailforge.infrastructure.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import org.mailforge.domain.queue.OutboundQueue;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.domain.queue.QueuedMessage;

@ApplicationScoped
public class JpaOutboundQueue implements OutboundQueue {

    /** A wake-up may arrive a little before the scheduled time (JMS delivery delay granularity). */
    private static final long EARLY_MILLIS = 2_000;

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Override
    @Transactional
    public void add(List<QueuedMessage> messages) {
        messages.forEach(em::persist);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<QueuedMessage> find(String id) {
        return Optional.ofNullable(em.find(QueuedMessage.class, id));
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<String> destination(String id) {
        List<?> found = em.createNativeQuery("SELECT domain FROM outbound_messages WHERE id = ?1").setParameter(1, id)
                .setMaxResults(1).getResultList();
        return found.stream().findFirst().map(String::valueOf);
    }

    @Override
    @Transactional
    public Optional<QueuedMessage> claim(String id, Instant now, Instant leaseUntil) {
        return lease(id, now, leaseUntil, true);
    }

    @Override
    @Transactional
    public Optional<QueuedMessage> claimAnyTime(String id, Instant now, Instant leaseUntil) {
        return lease(id, now, leaseUntil, false);
    }

    /**
     * One conditional UPDATE, first in its transaction: the row lock decides between racing
     * claims; only a claim that changed the row returns the entry.
     */
    private Optional<QueuedMessage> lease(String id, Instant now, Instant leaseUntil, boolean onlyWhenDue) {
        var update = em.createNativeQuery("UPDATE outbound_messages SET lease_until = ?1 WHERE id = ?2"
                        + " AND status NOT IN ('FAILED', 'HELD') AND (lease_until IS NULL OR lease_until < ?3)"
                        + (onlyWhenDue ? " AND next_retry IS NOT NULL AND next_retry <= ?4" : ""))
                .setParameter(1, leaseUntil.toEpochMilli())
                .setParameter(2, id)
                .setParameter(3, now.toEpochMilli());
        if (onlyWhenDue) {
            update.setParameter(4, now.toEpochMilli() + EARLY_MILLIS);
        }
        return update.executeUpdate() == 1 ? Optional.ofNullable(em.find(QueuedMessage.class, id)) : Optional.empty();
    }

    @Override
    @Transactional
    public QueuedMessage update(QueuedMessage message) {
        return write(message, false);
    }

    @Override
    @Transactional
    public QueuedMessage recordAttempt(QueuedMessage message) {
        return write(message, true);
    }

    @Override
    @Transactional
    public boolean hold(String id) {
        return em.createNativeQuery("UPDATE outbound_messages SET status = 'HELD' WHERE id = ?1 AND status IN ('PENDING', 'RETRY')")
                .setParameter(1, id).executeUpdate() == 1;
    }

    @Override
    @Transactional
    public boolean release(String id, Instant now) {
        // due now; an entry held for ATRN (no next retry) stays for ATRN
        return em.createNativeQuery("UPDATE outbound_messages SET status = CASE WHEN attempts = 0 THEN 'PENDING' ELSE 'RETRY' END,"
                        + " next_retry = CASE WHEN next_retry IS NULL THEN NULL ELSE ?1 END WHERE id = ?2 AND status = 'HELD'")
                .setParameter(1, now.toEpochMilli()).setParameter(2, id).executeUpdate() == 1;
    }

    private QueuedMessage write(QueuedMessage message, boolean afterAttempt) {
        // merge reads the row before writing it; take SQLite's write lock first (the project's
        // write-first rule), or a concurrent commit makes the upgrade fail with SQLITE_BUSY
        int found = em.createNativeQuery("UPDATE outbound_messages SET attempts = attempts WHERE id = ?1")
                .setParameter(1, message.getId()).executeUpdate();
        if (found == 0) {
            return message; // deleted meanwhile (an administrator): a merge would bring it back
        }
        Object status = afterAttempt ? em.createNativeQuery("SELECT status FROM outbound_messages WHERE id = ?1")
                .setParameter(1, message.getId()).getSingleResult() : null;
        if (afterAttempt && "HELD".equals(status)) {
            message.heldMeanwhile();
        }
        QueuedMessage merged = em.merge(message);
        em.flush();
        return merged;
    }

    @Override
    @Transactional
    public void remove(String id) {
        // bulk deletes: the transaction starts with its write (no stale read to upgrade)
        em.createNativeQuery("DELETE FROM outbound_recipients WHERE message_id = ?1").setParameter(1, id).executeUpdate();
        em.createNativeQuery("DELETE FROM outbound_messages WHERE id = ?1").setParameter(1, id).executeUpdate();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<QueuedMessage> list(QueueStatus status, String domain, int offset, int limit) {
        TypedQuery<QueuedMessage> query = filtered(em.createQuery("SELECT m FROM QueuedMessage m" + where(status, domain)
                + " ORDER BY m.createdAt, m.id", QueuedMessage.class), status, domain);
        return query.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long count(QueueStatus status, String domain) {
        return filtered(em.createQuery("SELECT COUNT(m) FROM QueuedMessage m" + where(status, domain), Long.class),
                status, domain).getSingleResult();
    }

    /** The WHERE clause of a listing filtered by status and destination domain (either may be null). */
    private static String where(QueueStatus status, String domain) {
        if (status == null && domain == null) {
            return "";
        }
        return " WHERE " + (status == null ? "" : "m.status = :status") + (status != null && domain != null ? " AND " : "")
                + (domain == null ? "" : "m.domain = :domain");
    }

    private static <T> TypedQuery<T> filtered(TypedQuery<T> query, QueueStatus status, String domain) {
        if (status != null) {
            query.setParameter("status", status);
        }
        if (domain != null) {
            query.setParameter("domain", domain);
        }
        return query;
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<QueuedMessage> matching(org.mailforge.domain.queue.QueueFilter filter, int limit) {
        List<String> conditions = new java.util.ArrayList<>();
        java.util.Map<String, Object> parameters = new java.util.HashMap<>();
        if (filter.domain() != null) {
            conditions.add("m.domain = :domain");
            parameters.put("domain", filter.domain());
        }
        if (filter.sender() != null) {
            conditions.add("LOWER(m.sender) = :sender");
            parameters.put("sender", filter.sender().toLowerCase(java.util.Locale.ROOT));
        }
        if (filter.queuedBefore() != null) {
            conditions.add("m.createdAt < :before");
            parameters.put("before", filter.queuedBefore());
        }
        if (filter.status() != null) {
            conditions.add("m.status = :status");
            parameters.put("status", filter.status());
        }
        if (filter.errorContains() != null) {
            conditions.add("LOWER(m.lastError) LIKE :error ESCAPE '!'");
            parameters.put("error", "%" + filter.errorContains().toLowerCase(java.util.Locale.ROOT)
                    .replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        }
        TypedQuery<QueuedMessage> query = em.createQuery("SELECT m FROM QueuedMessage m"
                + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions)) + " ORDER BY m.createdAt, m.id",
                QueuedMessage.class);
        parameters.forEach(query::setParameter);
        return query.setMaxResults(limit).getResultList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long countWaiting() {
        return em.createQuery("SELECT COUNT(m) FROM QueuedMessage m WHERE m.status <> :failed", Long.class)
                .setParameter("failed", QueueStatus.FAILED).getSingleResult();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    @SuppressWarnings("unchecked")
    public List<String> due(Instant dueBefore, Instant now, int limit) {
        return em.createNativeQuery("SELECT id FROM outbound_messages WHERE status NOT IN ('FAILED', 'HELD')"
                        + " AND next_retry IS NOT NULL AND next_retry <= ?1"
                        + " AND (lease_until IS NULL OR lease_until < ?2) ORDER BY next_retry")
                .setParameter(1, dueBefore.toEpochMilli())
                .setParameter(2, now.toEpochMilli())
                .setMaxResults(limit)
                .getResultList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    @SuppressWarnings("unchecked")
    public List<QueuedMessage> failedBefore(Instant cutoff, int limit) {
        // entries that failed before failed_at existed count from their creation
        return em.createNativeQuery("SELECT * FROM outbound_messages WHERE status = 'FAILED'"
                        + " AND COALESCE(failed_at, created_at) < ?1 ORDER BY created_at", QueuedMessage.class)
                .setParameter(1, cutoff.toEpochMilli())
                .setMaxResults(limit)
                .getResultList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> waitingFor(String domain) {
        return em.createQuery("SELECT m.id FROM QueuedMessage m WHERE m.domain = :domain AND m.status <> :failed"
                        + " ORDER BY m.createdAt", String.class)
                .setParameter("domain", domain)
                .setParameter("failed", QueueStatus.FAILED)
                .getResultList();
    }

    @Override
    @Transactional
    public int expedite(String domain, Instant now) {
        return em.createNativeQuery("UPDATE outbound_messages SET next_retry = ?1 WHERE domain = ?2"
                        + " AND status <> 'FAILED' AND (next_retry IS NULL OR next_retry > ?3)")
                .setParameter(1, now.toEpochMilli())
                .setParameter(2, domain)
                .setParameter(3, now.toEpochMilli())
                .executeUpdate();
    }
}
