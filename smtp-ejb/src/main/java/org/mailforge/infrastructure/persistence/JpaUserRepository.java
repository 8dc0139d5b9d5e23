package org.mailforge.infrastructure.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;

import org.mailforge.domain.user.DuplicateUserException;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;

/**
 * The user store, for the server and user-cli alike: the {@link JpaTransactions} it is given
 * decides whether its work runs in container-managed or resource-local transactions.
 */
@ApplicationScoped
public class JpaUserRepository implements UserRepository {

    private final JpaTransactions tx;

    @Inject
    public JpaUserRepository(JpaTransactions tx) {
        this.tx = tx;
    }

    /** For the container's proxy only. */
    protected JpaUserRepository() {
        this.tx = null;
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return tx.readAlone(em -> em.createQuery("SELECT u FROM User u WHERE u.username = :name", User.class)
                    .setParameter("name", username.toLowerCase(Locale.ROOT))
                    .getResultStream().findFirst());
    }

    @Override
    public Optional<User> findByEmail(String email) {
        return tx.readAlone(em -> em.createQuery("SELECT u FROM User u WHERE u.email = :email", User.class)
                    .setParameter("email", email.toLowerCase(Locale.ROOT))
                    .getResultStream().findFirst());
    }

    @Override
    public List<User> list(String search, int offset, int limit) {
        return tx.read(em -> {
            String pattern = pattern(search);
            return (pattern == null ? em.createQuery("SELECT u FROM User u ORDER BY u.id", User.class)
                    : em.createQuery("SELECT u FROM User u WHERE LOWER(u.username) LIKE :p ESCAPE '\\' OR u.email LIKE :p ESCAPE '\\'"
                            + " ORDER BY u.id", User.class).setParameter("p", pattern))
                    .setFirstResult(offset).setMaxResults(limit).getResultList();
        });
    }

    @Override
    public long count(String search) {
        return tx.read(em -> {
            String pattern = pattern(search);
            return pattern == null ? em.createQuery("SELECT COUNT(u) FROM User u", Long.class).getSingleResult()
                    : em.createQuery("SELECT COUNT(u) FROM User u WHERE LOWER(u.username) LIKE :p ESCAPE '\\' OR u.email LIKE :p ESCAPE '\\'",
                            Long.class).setParameter("p", pattern).getSingleResult();
        });
    }

    /** Users whose address is in the domain (a valid domain name, lower case: no LIKE wildcards in it). */
    @Override
    public long countInDomain(String domain) {
        return tx.read(em -> em.createQuery("SELECT COUNT(u) FROM User u WHERE u.email LIKE :suffix", Long.class)
                    .setParameter("suffix", "%@" + domain.toLowerCase(Locale.ROOT)).getSingleResult());
    }

    @Override
    public long activeAdmins() {
        return tx.read(em -> em.createQuery("SELECT COUNT(u) FROM User u WHERE u.admin = TRUE AND u.enabled = TRUE", Long.class).getSingleResult());
    }

    /** Inserts; the write comes first, so a SQLite transaction never upgrades a stale snapshot. */
    @Override
    public User add(User user) {
        return tx.write(em -> {
            try {
                em.persist(user);
                em.flush();
                return user;
            } catch (PersistenceException e) {
                throw duplicateOr(e, "username or email");
            }
        });
    }

    /** Deletes the user and the index entries of its mail. */
    @Override
    public void remove(User user) {
        tx.writeDo(em -> {
            em.createQuery("DELETE FROM StoredMessage m WHERE m.mailbox = :mailbox").setParameter("mailbox", user.getEmail()).executeUpdate();
            em.createQuery("DELETE FROM User u WHERE u.id = :id").setParameter("id", user.getId()).executeUpdate();
        });
    }

    @Override
    public void recordLogin(long userId, Instant when) {
        tx.writeDo(em -> {
            em.createQuery("UPDATE User u SET u.lastLogin = :when WHERE u.id = :id")
                    .setParameter("when", when).setParameter("id", userId).executeUpdate();
        });
    }

    @Override
    public List<org.mailforge.domain.mail.StoredLocation> storedMessages(User user) {
        return tx.read(em -> em.createQuery("SELECT m FROM StoredMessage m WHERE m.mailbox = :mailbox ORDER BY m.id",
                            org.mailforge.domain.mail.StoredMessage.class)
                    .setParameter("mailbox", user.getEmail()).getResultStream()
                    .map(m -> new org.mailforge.domain.mail.StoredLocation(m.getMailbox(), m.getStorageKey(), m.getSizeBytes()))
                    .toList());
    }

    @Override
    public long messagesReceived(User user) {
        return tx.read(em -> em.createQuery("SELECT COUNT(m) FROM StoredMessage m WHERE m.mailbox = :mailbox", Long.class)
                    .setParameter("mailbox", user.getEmail()).getSingleResult());
    }

    /**
     * Saves the fields changed on a user read earlier, and only those ({@link User#changes()}):
     * what others wrote since it was read (a new password, the used space, the last login) stays.
     * Returns the user as it is now.
     */
    @Override
    public User update(User user) {
        return tx.write(em -> updated(em, user));
    }

    /** Saves a user whose address changed, and moves the index of its mail to the new address. */
    @Override
    public User update(User user, String previousEmail) {
        return tx.write(em -> {
            User merged = updated(em, user);
            em.createQuery("UPDATE StoredMessage m SET m.mailbox = :now WHERE m.mailbox = :before")
                    .setParameter("now", merged.getEmail()).setParameter("before", previousEmail).executeUpdate();
            return merged;
        });
    }

    private static User updated(EntityManager em, User user) {
        java.util.Set<User.Editable> changes = user.changes();
        if (!changes.isEmpty()) {
            StringBuilder jpql = new StringBuilder("UPDATE User u SET ");
            java.util.List<String> sets = new java.util.ArrayList<>();
            for (User.Editable field : changes) {
                sets.add(switch (field) {
                    case EMAIL -> "u.email = :email";
                    case PASSWORD -> "u.passwordHash = :passwordHash";
                    case QUOTA -> "u.quotaMb = :quotaMb";
                    case ENABLED -> "u.enabled = :enabled";
                    case ADMIN -> "u.admin = :admin";
                });
            }
            jpql.append(String.join(", ", sets)).append(" WHERE u.id = :id");
            jakarta.persistence.Query query = em.createQuery(jpql.toString()).setParameter("id", user.getId());
            for (User.Editable field : changes) {
                switch (field) {
                    case EMAIL -> query.setParameter("email", user.getEmail());
                    case PASSWORD -> query.setParameter("passwordHash", user.getPasswordHash());
                    case QUOTA -> query.setParameter("quotaMb", user.getQuotaMb());
                    case ENABLED -> query.setParameter("enabled", user.isEnabled());
                    case ADMIN -> query.setParameter("admin", user.isAdmin());
                }
            }
            try {
                query.executeUpdate();
            } catch (PersistenceException e) {
                throw duplicateOr(e, "email");
            }
        }
        User now = em.find(User.class, user.getId());
        em.refresh(now);
        return now;
    }

    /** A LIKE pattern for "contains", the caller's wildcards escaped; null for no filter. */
    private static String pattern(String search) {
        if (search == null || search.isBlank()) {
            return null;
        }
        String escaped = search.strip().toLowerCase(Locale.ROOT)
                .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + escaped + "%";
    }

    private static RuntimeException duplicateOr(PersistenceException e, String field) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("unique") || message.contains("duplicate")) {
                return new DuplicateUserException(field);
            }
        }
        return e;
    }

}
