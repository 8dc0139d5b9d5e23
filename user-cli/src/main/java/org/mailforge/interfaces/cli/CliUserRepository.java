package org.mailforge.interfaces.cli;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.infrastructure.persistence.UserQueries;

/** The user store for user-cli: {@link UserQueries} in resource-local transactions. */
final class CliUserRepository implements UserRepository {

    private final CliDatabase db;

    CliUserRepository(CliDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return db.read(em -> UserQueries.findByUsername(em, username));
    }

    @Override
    public Optional<User> findByEmail(String email) {
        return db.read(em -> UserQueries.findByEmail(em, email));
    }

    @Override
    public List<User> list(String search, int offset, int limit) {
        return db.read(em -> UserQueries.list(em, search, offset, limit));
    }

    @Override
    public long count(String search) {
        return db.read(em -> UserQueries.count(em, search));
    }

    @Override
    public long countInDomain(String domain) {
        return db.read(em -> UserQueries.countInDomain(em, domain));
    }

    @Override
    public long activeAdmins() {
        return db.read(UserQueries::activeAdmins);
    }

    @Override
    public User update(User user, String previousEmail) {
        return db.inTransaction(em -> UserQueries.update(em, user, previousEmail));
    }

    @Override
    public User add(User user) {
        return db.inTransaction(em -> UserQueries.add(em, user));
    }

    @Override
    public User update(User user) {
        return db.inTransaction(em -> UserQueries.update(em, user));
    }

    @Override
    public void remove(User user) {
        db.inTransactionDo(em -> UserQueries.remove(em, user));
    }

    @Override
    public void recordLogin(long userId, Instant when) {
        db.inTransactionDo(em -> UserQueries.recordLogin(em, userId, when));
    }

    @Override
    public List<org.mailforge.domain.mail.StoredLocation> storedMessages(User user) {
        return db.read(em -> UserQueries.storedMessages(em, user));
    }

    @Override
    public long messagesReceived(User user) {
        return db.read(em -> UserQueries.messagesReceived(em, user));
    }
}
