package org.mailforge.application;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.smtp.spi.Domains;
import org.mailforge.smtp.spi.Reply;

/**
 * Which envelope senders an authenticated user may use on submission (SMTP_SENDER_LOGIN_MATCH):
 * its own address, compared without regard to case (the domain also across its U-label and
 * A-label forms); an administrator also any address of a local domain (postmaster, no-reply,
 * role addresses). Everything else gets Postfix's {@code reject_sender_login_mismatch} answer.
 */
@ApplicationScoped
public class SenderIdentity {

    @Inject
    UserRepository users;

    @Inject
    ServerConfiguration configuration;

    @Inject
    MailDirectory directory;

    /** Null when {@code login} may send as {@code address}, else the {@code 553 5.7.1} refusal. */
    public Reply verify(String login, String address) {
        Optional<User> user = users.findByUsername(login);
        if (user.isPresent() && user.get().isEnabled()
                && (owns(user.get(), address) || directory.aliasReaches(address, user.get().getEmail())
                    || user.get().isAdmin() && directory.isLocal(Domains.of(address)))) {
            return null;
        }
        return Reply.of(553, "5.7.1", "<" + address + ">: Sender address rejected: not owned by user " + login);
    }

    private static boolean owns(User user, String address) {
        return MailDirectory.normalize(user.getEmail()).equals(MailDirectory.normalize(address));
    }
}
