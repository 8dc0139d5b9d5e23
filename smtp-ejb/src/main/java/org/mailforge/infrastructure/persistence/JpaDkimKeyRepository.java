package org.mailforge.infrastructure.persistence;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.domain.dkim.DkimKey;
import org.mailforge.domain.dkim.DkimKeyRepository;

/** DKIM keys in the {@code dkim_keys} table, in container-managed transactions. */
@ApplicationScoped
public class JpaDkimKeyRepository implements DkimKeyRepository {

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Override
    @Transactional
    public List<DkimKey> list(String domain) {
        return em.createQuery("SELECT k FROM DkimKey k WHERE k.domain = :domain ORDER BY k.active DESC, k.createdAt DESC, k.id DESC",
                DkimKey.class).setParameter("domain", domain).getResultList();
    }

    @Override
    @Transactional
    public Optional<DkimKey> find(String domain, String selector) {
        return em.createQuery("SELECT k FROM DkimKey k WHERE k.domain = :domain AND k.selector = :selector", DkimKey.class)
                .setParameter("domain", domain).setParameter("selector", selector).getResultStream().findFirst();
    }

    @Override
    @Transactional
    public Optional<DkimKey> active(String domain) {
        return em.createQuery("SELECT k FROM DkimKey k WHERE k.domain = :domain AND k.active = TRUE", DkimKey.class)
                .setParameter("domain", domain).getResultStream().findFirst();
    }

    @Override
    @Transactional
    public DkimKey add(DkimKey key) {
        if (find(key.getDomain(), key.getSelector()).isPresent()) {
            throw new IllegalStateException("the domain has a key with selector " + key.getSelector());
        }
        if (key.isActive()) {
            deactivateAll(key.getDomain());
        }
        em.persist(key);
        em.flush();
        return key;
    }

    @Override
    @Transactional
    public void activate(DkimKey key) {
        deactivateAll(key.getDomain());
        DkimKey managed = em.find(DkimKey.class, key.getId());
        managed.setActive(true);
        key.setActive(true);
    }

    @Override
    @Transactional
    public void remove(DkimKey key) {
        DkimKey managed = em.find(DkimKey.class, key.getId());
        if (managed != null) {
            em.remove(managed);
        }
    }

    private void deactivateAll(String domain) {
        em.createQuery("UPDATE DkimKey k SET k.active = FALSE WHERE k.domain = :domain").setParameter("domain", domain).executeUpdate();
        em.clear(); // the update bypassed the persistence context
    }
}
