package org.mailforge.domain.user;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Users, by name and by address (both matched without regard to case). */
public interface UserRepository {

    Optional<User> findByUsername(String username);

    Optional<User> findByEmail(String email);

    /** A user by login name, or by email address when the login contains {@code @}. */
    default Optional<User> findByLogin(String login) {
        return login.contains("@") ? findByEmail(login) : findByUsername(login);
    }

    /**
     * A page of users, oldest first; with {@code search} (not null or blank) only those whose
     * username or address contains it, without regard to case.
     */
    List<User> list(String search, int offset, int limit);

    /** Users matching {@code search} as {@link #list} does; all when it is null or blank. */
    long count(String search);

    default long count() {
        return count(null);
    }

    /** Users whose address is in this domain (lower-case A-label form). */
    long countInDomain(String domain);

    /** Administrators who can log in (enabled): the server must always keep one. */
    long activeAdmins();

    /** @throws DuplicateUserException when the username or email is taken */
    User add(User user);

    /** Saves changes to a user loaded earlier. @throws DuplicateUserException on a taken email */
    User update(User user);

    /**
     * Saves changes that include a new address: the index of the user's stored mail moves with it,
     * in the same transaction.
     */
    User update(User user, String previousEmail);

    void remove(User user);

    void recordLogin(long userId, Instant when);

    /** Where this user's messages are stored, from the message index. */
    List<org.mailforge.domain.mail.StoredLocation> storedMessages(User user);

    /** Messages stored for this user's address. */
    long messagesReceived(User user);
}
