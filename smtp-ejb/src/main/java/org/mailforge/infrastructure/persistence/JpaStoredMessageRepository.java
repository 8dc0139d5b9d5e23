package org.mailforge.infrastructure.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.domain.mail.StoredMessage;
import org.mailforge.domain.mail.StoredMessageRepository;

@ApplicationScoped
public class JpaStoredMessageRepository implements StoredMessageRepository {

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long countAll() {
        return em.createQuery("SELECT COUNT(m) FROM StoredMessage m", Long.class).getSingleResult();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long totalSizeBytes() {
        Long sum = em.createQuery("SELECT SUM(m.sizeBytes) FROM StoredMessage m", Long.class).getSingleResult();
        return sum == null ? 0 : sum;
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<StoredMessage> findByMailbox(String mailbox, int offset, int limit) {
        return em.createQuery("SELECT m FROM StoredMessage m WHERE m.mailbox = :mailbox ORDER BY m.id", StoredMessage.class)
                .setParameter("mailbox", mailbox)
                .setFirstResult(offset)
                .setMaxResults(limit)
                .getResultList();
    }
}
