package org.mailforge.infrastructure.persistence;

import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.domain.outbound.MtaStsPolicy;
import org.mailforge.domain.outbound.MtaStsPolicyRepository;

/**
 * MTA-STS policies in the {@code mta_sts_policies} table. Each call is a transaction of its own:
 * a cache write never joins (or spoils) a delivery's transaction.
 */
@ApplicationScoped
public class JpaMtaStsPolicyRepository implements MtaStsPolicyRepository {

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<MtaStsPolicy> find(String domain) {
        return Optional.ofNullable(em.find(MtaStsPolicy.class, domain.toLowerCase(Locale.ROOT)));
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void save(MtaStsPolicy policy) {
        // the transaction starts with its write (server.xml's rule): SQLite refuses a read-then-write transaction at once,
        // without waiting, when another writes; the policy replaces whatever was cached for the domain
        em.createQuery("DELETE FROM MtaStsPolicy p WHERE p.domain = :domain").setParameter("domain", policy.getDomain()).executeUpdate();
        em.persist(policy);
    }
}
