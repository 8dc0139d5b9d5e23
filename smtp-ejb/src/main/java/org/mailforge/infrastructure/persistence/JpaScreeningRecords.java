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
 * tables. Each call is a transaction of its own, asked from an SMTP session.
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
        GreylistTriplet stored = em.find(GreylistTriplet.class, id);
        if (stored != null) {
            stored.seen(now);
        }
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int passedFrom(String network, int enough) {
        return em.createQuery("SELECT t.id FROM GreylistTriplet t WHERE t.network = :network AND t.passedAt IS NOT NULL", String.class)
                .setParameter("network", network).setMaxResults(enough).getResultList().size();
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean domainPassed(String senderDomain) {
        return !em.createQuery("SELECT t.id FROM GreylistTriplet t WHERE t.senderDomain = :domain AND t.passedAt IS NOT NULL", String.class)
                .setParameter("domain", senderDomain).setMaxResults(1).getResultList().isEmpty();
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Instant> greetingPassedUntil(String address) {
        return Optional.ofNullable(em.find(GreetingPass.class, address)).map(GreetingPass::getPassedUntil);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void greetingPassed(String address, Instant until) {
        GreetingPass stored = em.find(GreetingPass.class, address);
        if (stored == null) {
            em.persist(new GreetingPass(address, until));
        } else {
            stored.extend(until);
        }
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int purge(Instant passedBefore, Instant waitingBefore, Instant now) {
        int removed = em.createQuery("DELETE FROM GreylistTriplet t WHERE (t.passedAt IS NOT NULL AND t.lastSeen < :passed)"
                        + " OR (t.passedAt IS NULL AND t.firstSeen < :waiting)")
                .setParameter("passed", passedBefore).setParameter("waiting", waitingBefore).executeUpdate();
        return removed + em.createQuery("DELETE FROM GreetingPass p WHERE p.passedUntil < :now")
                .setParameter("now", now).executeUpdate();
    }
}
