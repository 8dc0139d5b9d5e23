package org.mailforge.infrastructure.persistence;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.domain.screening.GreetingPass;
import org.mailforge.domain.screening.GreylistTriplet;
import org.mailforge.domain.screening.ScreeningRecords;

/**
 * Greylisting triplets and early-talker passes in the {@code greylist} and {@code greeting_passes}
 * tables. Each call is a transaction of its own, asked from an SMTP session; a transaction that
 * writes begins with its write (an UPDATE), never with a read: on SQLite a read first would make
 * the write fail at once when another session wrote in between (SQLITE_BUSY_SNAPSHOT).
 */
@ApplicationScoped
public class JpaScreeningRecords implements ScreeningRecords {

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<GreylistTriplet> triplet(String id) {
        return Optional.ofNullable(em.find(GreylistTriplet.class, id));
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void add(GreylistTriplet triplet) {
        em.persist(triplet);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void seen(String id, Instant now) {
        em.createNativeQuery("UPDATE greylist SET earned = CASE WHEN passed_at IS NULL THEN TRUE ELSE earned END,"
                        + " passed_at = COALESCE(passed_at, ?1), last_seen = ?2 WHERE id = ?3")
                .setParameter(1, now.toEpochMilli()).setParameter(2, now.toEpochMilli()).setParameter(3, id).executeUpdate();
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int earnedFrom(String network, int enough) {
        return em.createQuery("SELECT t.id FROM GreylistTriplet t WHERE t.network = :network AND t.earned = TRUE", String.class)
                .setParameter("network", network).setMaxResults(enough).getResultList().size();
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean domainEarned(String senderDomain) {
        return !em.createQuery("SELECT t.id FROM GreylistTriplet t WHERE t.senderDomain = :domain AND t.earned = TRUE", String.class)
                .setParameter("domain", senderDomain).setMaxResults(1).getResultList().isEmpty();
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Instant> greetingPassedUntil(String address) {
        return Optional.ofNullable(em.find(GreetingPass.class, address)).map(GreetingPass::getPassedUntil);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void greetingPassed(java.util.Map<String, Instant> passes) {
        passes.forEach((address, until) -> {
            int updated = em.createNativeQuery("UPDATE greeting_passes SET passed_until = ?1 WHERE address = ?2")
                    .setParameter(1, until.toEpochMilli()).setParameter(2, address).executeUpdate();
            if (updated == 0) {
                em.persist(new GreetingPass(address, until));
            }
        });
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int purgeTriplets(Instant passedBefore, Instant waitingBefore, int limit) {
        return em.createNativeQuery("DELETE FROM greylist WHERE id IN (SELECT id FROM greylist WHERE"
                        + " (passed_at IS NOT NULL AND last_seen < ?1) OR (passed_at IS NULL AND first_seen < ?2) LIMIT ?3)")
                .setParameter(1, passedBefore.toEpochMilli()).setParameter(2, waitingBefore.toEpochMilli()).setParameter(3, limit)
                .executeUpdate();
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int purgeGreetingPasses(Instant now, int limit) {
        return em.createNativeQuery("DELETE FROM greeting_passes WHERE address IN (SELECT address FROM greeting_passes"
                        + " WHERE passed_until < ?1 LIMIT ?2)")
                .setParameter(1, now.toEpochMilli()).setParameter(2, limit).executeUpdate();
    }
}
