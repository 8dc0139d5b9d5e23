package org.mailforge.application.users;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.events.ServerEvent;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.user.DuplicateUserException;
import org.mailforge.domain.user.LastAdministratorException;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.domain.user.UserValidation;

/** Creating, changing and deleting users: the rules every interface (REST, start-up) goes through. */
@ApplicationScoped
public class UserService {

    /** Quota of a new user when none is given. */
    public static final long DEFAULT_QUOTA_MB = 1000;

    @Inject
    UserRepository users;

    @Inject
    PasswordHashing hasher;

    @Inject
    MailStore store;

    /** Null outside the container (user-cli): no server, no webhooks. */
    @Inject
    ServerEvents events;

    /** Null outside the container (user-cli): its accounts are read afresh after a change here. */
    @Inject
    org.mailforge.application.directory.MailDirectory directory;

    protected UserService() {
        // for CDI
    }

    /** For use outside the container (user-cli). */
    public UserService(UserRepository users, PasswordHashing hasher, MailStore store) {
        this.users = users;
        this.hasher = hasher;
        this.store = store;
    }

    /** The changes an update may carry; null fields stay as they are. */
    public record Changes(String email, Long quotaMb, Boolean enabled, Boolean admin, char[] password) {
    }

    public User create(String username, String email, char[] password, Long quotaMb, boolean admin) {
        User user = new User(UserValidation.username(username), UserValidation.email(email),
                hasher.hash(UserValidation.password(password)),
                UserValidation.quotaMb(quotaMb == null ? DEFAULT_QUOTA_MB : quotaMb), admin, Instant.now());
        Arrays.fill(password, '\0');
        requireUnique(user);
        requireNoRoleAddress(user);
        User created = users.add(user);
        forgetAccounts();
        if (events != null) {
            events.publish("user.created", () -> ServerEvent.fields(
                    "username", created.getUsername(),
                    "email", created.getEmail(),
                    "quota_mb", created.getQuotaMb(),
                    "is_admin", created.isAdmin()));
        }
        return created;
    }

    /**
     * A clear 409 naming the field for the common case, checked before the writing transaction
     * (which then starts with its write); the unique constraints still catch a race.
     */
    private void requireUnique(User user) {
        users.findByUsername(user.getUsername()).filter(other -> !other.getId().equals(user.getId()))
                .ifPresent(other -> {
                    throw new DuplicateUserException("username");
                });
        users.findByEmail(user.getEmail()).filter(other -> !other.getId().equals(user.getId()))
                .ifPresent(other -> {
                    throw new DuplicateUserException("email");
                });
    }

    public Optional<User> find(String username) {
        return users.findByUsername(username);
    }

    /** Checks a password without side effects (user-cli verify); disabled users fail. */
    public boolean verifyPassword(User user, char[] password) {
        return user.isEnabled() && hasher.verify(password, user.getPasswordHash());
    }

    public User update(User user, Changes changes) {
        boolean demotes = (Boolean.FALSE.equals(changes.admin()) || Boolean.FALSE.equals(changes.enabled()));
        requireAnotherAdministrator(user, demotes);
        String previousEmail = user.getEmail();
        if (changes.email() != null) {
            String email = UserValidation.email(changes.email());
            if (store.keepsMailElsewhere() && !email.equalsIgnoreCase(previousEmail)) {
                throw new org.mailforge.application.directory.DirectoryConflictException("email",
                        "the mail of " + previousEmail + " stays with the LMTP server (Dovecot) under that address: an address"
                                + " cannot change here; create a user with the new address and move the mail there (doveadm)");
            }
            user.setEmail(email);
        }
        if (changes.quotaMb() != null) {
            user.setQuotaMb(UserValidation.quotaMb(changes.quotaMb()));
        }
        if (changes.enabled() != null) {
            user.setEnabled(changes.enabled());
        }
        if (changes.admin() != null) {
            user.setAdmin(changes.admin());
        }
        if (changes.password() != null) {
            user.setPasswordHash(hasher.hash(UserValidation.password(changes.password())));
            Arrays.fill(changes.password(), '\0');
        }
        requireUnique(user);
        requireNoRoleAddress(user);
        if (previousEmail.equals(user.getEmail())) {
            User updated = users.update(user);
            forgetAccounts();
            return updated;
        }
        // the mail belongs to the user: it moves with the address (files first, undone if the
        // database refuses the change)
        try {
            store.renameMailbox(previousEmail, user.getEmail());
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new DuplicateUserException("email"); // the new address has mail of its own: 409, nothing moved
        } catch (IOException e) {
            throw new UncheckedIOException("the mailbox could not be moved to " + user.getEmail(), e);
        }
        try {
            User updated = users.update(user, previousEmail);
            forgetAccounts();
            return updated;
        } catch (RuntimeException e) {
            try {
                store.renameMailbox(user.getEmail(), previousEmail);
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    /**
     * Role addresses (RFC 2142: postmaster, abuse) receive reports about the server itself; only an
     * administrator's account may have one.
     */
    private static void requireNoRoleAddress(User user) {
        String local = user.getEmail().substring(0, Math.max(0, user.getEmail().lastIndexOf('@'))).toLowerCase(java.util.Locale.ROOT);
        if (!user.isAdmin() && (local.equals("postmaster") || local.equals("abuse"))) {
            throw new UserValidation.InvalidFieldException("email", "postmaster@ and abuse@ are role addresses, reserved for administrators");
        }
    }

    /**
     * The last enabled administrator may not be demoted, disabled or deleted: nobody could manage
     * the server any more, and its next start would try to create the administrator again.
     */
    private void requireAnotherAdministrator(User user, boolean removesAdministrator) {
        if (removesAdministrator && user.isAdmin() && user.isEnabled() && users.activeAdmins() <= 1) {
            throw new LastAdministratorException(user.getUsername());
        }
    }

    /** The directory of this node reads accounts afresh: mail for a new address is taken at once. */
    private void forgetAccounts() {
        if (directory != null) {
            directory.changed();
        }
    }

    /** Deletes the user, its index entries and its stored mail. */
    public void delete(User user) {
        delete(user, false);
    }

    /**
     * Deletes the user and its mail.
     *
     * @param mailboxRemoved the operator removed the mailbox from the server that keeps it (Dovecot over LMTP:
     *                       {@link MailStore#keepsMailElsewhere()}); without it such a delete is refused, since the
     *                       address's next owner would read the old mail there
     */
    public void delete(User user, boolean mailboxRemoved) {
        if (store.keepsMailElsewhere() && !mailboxRemoved) {
            throw new org.mailforge.application.directory.DirectoryConflictException("mailbox_removed",
                    "the mail of " + user.getEmail() + " stays with the LMTP server (Dovecot), where the address's next owner would"
                            + " read it: remove it there first (doveadm mailbox delete -u " + user.getEmail() + " -s -A ... or its"
                            + " mail folder), then delete with mailbox_removed=true (user-cli: --mailbox-removed)");
        }
        requireAnotherAdministrator(user, true);
        var messages = users.storedMessages(user);
        users.remove(user);
        forgetAccounts();
        try {
            for (var message : messages) {
                store.remove(message);
            }
            store.removeMailbox(user.getEmail());
        } catch (IOException e) {
            throw new UncheckedIOException("user deleted but its mail could not be removed", e);
        }
    }

    public java.util.List<User> list(String search, int offset, int limit) {
        return users.list(search, offset, limit);
    }

    public long count() {
        return users.count();
    }

    /** Users whose username or email contains {@code search} (all when it is null). */
    public long count(String search) {
        return users.count(search);
    }

    public long messagesReceived(User user) {
        return users.messagesReceived(user);
    }
}
