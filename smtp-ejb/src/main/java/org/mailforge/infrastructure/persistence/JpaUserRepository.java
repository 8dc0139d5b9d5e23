package org.mailforge.infrastructure.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;

/** The server's user store: {@link UserQueries} in container-managed transactions. */
@ApplicationScoped
public class JpaUserRepository implements UserRepository {

    @PersistenceContext(unitName = "mailforge")
    private EntityManager em;

    @Override
    @Transactional(Transactional.TxType.REQUIRED) // see findByEmail
    public Optional<User> findByUsername(String username) {
        return UserQueries.findByUsername(em, username);
    }

    @Override
    /**
     * Its own short transaction when called without one (the delivery path): the connection goes
     * back to the pool at once. Under Liberty's local transaction containment a read outside a
     * transaction keeps its connection until the calling bean method ends, and sessions waiting in
     * the delivery ledger while holding one can starve the pool its writer needs.
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public Optional<User> findByEmail(String email) {
        return UserQueries.findByEmail(em, email);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<User> list(String search, int offset, int limit) {
        return UserQueries.list(em, search, offset, limit);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long count(String search) {
        return UserQueries.count(em, search);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long countInDomain(String domain) {
        return UserQueries.countInDomain(em, domain);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long activeAdmins() {
        return UserQueries.activeAdmins(em);
    }

    @Override
    @Transactional
    public User add(User user) {
        return UserQueries.add(em, user);
    }

    @Override
    @Transactional
    public User update(User user) {
        return UserQueries.update(em, user);
    }

    @Override
    @Transactional
    public User update(User user, String previousEmail) {
        return UserQueries.update(em, user, previousEmail);
    }

    @Override
    @Transactional
    public void remove(User user) {
        UserQueries.remove(em, user);
    }

    @Override
    @Transactional
    public void recordLogin(long userId, Instant when) {
        UserQueries.recordLogin(em, userId, when);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<org.mailforge.domain.mail.StoredLocation> storedMessages(User user) {
        return UserQueries.storedMessages(em, user);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public long messagesReceived(User user) {
        return UserQueries.messagesReceived(em, user);
    }
}
