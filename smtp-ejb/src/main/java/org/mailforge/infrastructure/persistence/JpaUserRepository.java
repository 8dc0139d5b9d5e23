package org.mailforge.infrastructure.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import org.mailforge.domain.user.DuplicateUserException;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;

@ApplicationScoped
public class JpaUserRepository implements UserRepository {

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<User> findByUsername(String username) {
        return em.createQuery("SELECT u FROM User u WHERE u.username = :name", User.class)
                .setParameter("name", username.toLowerCase(Locale.ROOT))
                .getResultStream().findFirst();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<User> findByEmail(String email) {
        return em.createQuery("SELECT u FROM User u WHERE u.email = :email", User.class)
                .setParameter("email", email.toLowerCase(Locale.ROOT))
                .getResultStream().findFirst();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<User> list(int offset, int limit) {
        return em.createQuery("SELECT u FROM User u ORDER BY u.id", User.class)
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long count() {
        return em.createQuery("SELECT COUNT(u) FROM User u", Long.class).getSingleResult();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean anyAdmin() {
        return em.createQuery("SELECT COUNT(u) FROM User u WHERE u.admin = TRUE", Long.class).getSingleResult() > 0;
    }

    @Override
    @Transactional
    public User add(User user) {
        try {
            em.persist(user);
            em.flush();
        } catch (PersistenceException e) {
            if (isConstraintViolation(e)) {
                throw new DuplicateUserException("username or email");
            }
            throw e;
        }
        return user;
    }

    @Override
    @Transactional
    public User update(User user) {
        try {
            User merged = em.merge(user);
            em.flush();
            return merged;
        } catch (PersistenceException e) {
            if (isConstraintViolation(e)) {
                throw new DuplicateUserException("email");
            }
            throw e;
        }
    }

    @Override
    @Transactional
    public void remove(User user) {
        em.createQuery("DELETE FROM StoredMessage m WHERE m.mailbox = :mailbox").setParameter("mailbox", user.getEmail()).executeUpdate();
        em.createQuery("DELETE FROM User u WHERE u.id = :id").setParameter("id", user.getId()).executeUpdate();
    }

    @Override
    @Transactional
    public void recordLogin(long userId, Instant when) {
        em.createQuery("UPDATE User u SET u.lastLogin = :when WHERE u.id = :id")
                .setParameter("when", when).setParameter("id", userId).executeUpdate();
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public void addUsage(String email, long bytes) {
        em.createQuery("UPDATE User u SET u.usedBytes = u.usedBytes + :bytes WHERE u.email = :email")
                .setParameter("bytes", bytes).setParameter("email", email.toLowerCase(Locale.ROOT)).executeUpdate();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long messagesReceived(User user) {
        return em.createQuery("SELECT COUNT(m) FROM StoredMessage m WHERE m.mailbox = :mailbox", Long.class)
                .setParameter("mailbox", user.getEmail()).getSingleResult();
    }

    private static boolean isConstraintViolation(PersistenceException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("unique") || message.contains("duplicate")) {
                return true;
            }
        }
        return false;
    }
}
