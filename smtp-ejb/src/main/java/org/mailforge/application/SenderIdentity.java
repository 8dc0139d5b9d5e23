package org.mailforge.application;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
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

    private Set<String> localDomains;

    @PostConstruct
    void init() {
        localDomains = configuration.localDomainSet();
    }

    /** Null when {@code login} may send as {@code address}, else the {@code 553 5.7.1} refusal. */
    public Reply verify(String login, String address) {
        Optional<User> user = users.findByUsername(login);
        if (user.isPresent() && user.get().isEnabled()
                && (owns(user.get(), address) || user.get().isAdmin() && Domains.isLocal(localDomains, Domains.of(address)))) {
            return null;
        }
        return Reply.of(553, "5.7.1", "<" + address + ">: Sender address rejected: not owned by user " + login);
    }

    private static boolean owns(User user, String address) {
        return normalized(user.getEmail()).equals(normalized(address));
    }

    private static String normalized(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return address.toLowerCase(Locale.ROOT);
        }
        String domain = address.substring(at + 1);
        try {
            domain = Domains.canonical(domain);
        } catch (IllegalArgumentException e) {
            domain = domain.toLowerCase(Locale.ROOT); // an address literal: compared as written
        }
        return address.substring(0, at).toLowerCase(Locale.ROOT) + "@" + domain;
    }
}
