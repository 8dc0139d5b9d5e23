package org.mailforge.infrastructure.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;

import org.mailforge.domain.user.DuplicateUserException;
import org.mailforge.domain.user.User;

/**
 * The user store's JPA operations, written once and used by both the server's container-managed
 * repository and user-cli's resource-local one; callers supply the transaction.
 */
public final class UserQueries {

    private UserQueries() {
    }

    public static Optional<User> findByUsername(EntityManager em, String username) {
        return em.createQuery("SELECT u FROM User u WHERE u.username = :name", User.class)
                .setParameter("name", username.toLowerCase(Locale.ROOT))
                .getResultStream().findFirst();
    }

    public static Optional<User> findByEmail(EntityManager em, String email) {
        return em.createQuery("SELECT u FROM User u WHERE u.email = :email", User.class)
                .setParameter("email", email.toLowerCase(Locale.ROOT))
                .getResultStream().findFirst();
    }

    public static List<User> list(EntityManager em, String search, int offset, int limit) {
        String pattern = pattern(search);
        return (pattern == null ? em.createQuery("SELECT u FROM User u ORDER BY u.id", User.class)
                : em.createQuery("SELECT u FROM User u WHERE LOWER(u.username) LIKE :p ESCAPE '\\' OR u.email LIKE :p ESCAPE '\\'"
                        + " ORDER BY u.id", User.class).setParameter("p", pattern))
                .setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    public static long count(EntityManager em, String search) {
        String pattern = pattern(search);
        return pattern == null ? em.createQuery("SELECT COUNT(u) FROM User u", Long.class).getSingleResult()
                : em.createQuery("SELECT COUNT(u) FROM User u WHERE LOWER(u.username) LIKE :p ESCAPE '\\' OR u.email LIKE :p ESCAPE '\\'",
                        Long.class).setParameter("p", pattern).getSingleResult();
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

    /** Users whose address is in the domain (a valid domain name, lower case: no LIKE wildcards in it). */
    public static long countInDomain(EntityManager em, String domain) {
        return em.createQuery("SELECT COUNT(u) FROM User u WHERE u.email LIKE :suffix", Long.class)
                .setParameter("suffix", "%@" + domain.toLowerCase(Locale.ROOT)).getSingleResult();
    }

    public static long activeAdmins(EntityManager em) {
        return em.createQuery("SELECT COUNT(u) FROM User u WHERE u.admin = TRUE AND u.enabled = TRUE", Long.class).getSingleResult();
    }

    /** Inserts; the write comes first, so a SQLite transaction never upgrades a stale snapshot. */
    public static User add(EntityManager em, User user) {
        try {
            em.persist(user);
            em.flush();
            return user;
        } catch (PersistenceException e) {
            throw duplicateOr(e, "username or email");
        }
    }

    /**
     * Saves the fields changed on a user read earlier, and only those ({@link User#changes()}):
     * what others wrote since it was read (a new password, the used space, the last login) stays.
     * Returns the user as it is now.
     */
    public static User update(EntityManager em, User user) {
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

    /** Saves a user whose address changed, and moves the index of its mail to the new address. */
    public static User update(EntityManager em, User user, String previousEmail) {
        User merged = update(em, user);
        em.createQuery("UPDATE StoredMessage m SET m.mailbox = :now WHERE m.mailbox = :before")
                .setParameter("now", merged.getEmail()).setParameter("before", previousEmail).executeUpdate();
        return merged;
    }

    /** Deletes the user and the index entries of its mail. */
    public static void remove(EntityManager em, User user) {
        em.createQuery("DELETE FROM StoredMessage m WHERE m.mailbox = :mailbox").setParameter("mailbox", user.getEmail()).executeUpdate();
        em.createQuery("DELETE FROM User u WHERE u.id = :id").setParameter("id", user.getId()).executeUpdate();
    }

    public static void recordLogin(EntityManager em, long userId, Instant when) {
        em.createQuery("UPDATE User u SET u.lastLogin = :when WHERE u.id = :id")
                .setParameter("when", when).setParameter("id", userId).executeUpdate();
    }

    public static List<org.mailforge.domain.mail.StoredLocation> storedMessages(EntityManager em, User user) {
        return em.createQuery("SELECT m FROM StoredMessage m WHERE m.mailbox = :mailbox ORDER BY m.id",
                        org.mailforge.domain.mail.StoredMessage.class)
                .setParameter("mailbox", user.getEmail()).getResultStream()
                .map(m -> new org.mailforge.domain.mail.StoredLocation(m.getMailbox(), m.getStorageKey(), m.getSizeBytes()))
                .toList();
    }

    public static long messagesReceived(EntityManager em, User user) {
        return em.createQuery("SELECT COUNT(m) FROM StoredMessage m WHERE m.mailbox = :mailbox", Long.class)
                .setParameter("mailbox", user.getEmail()).getSingleResult();
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
