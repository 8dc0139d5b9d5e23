package org.mailforge.application.inbound;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;
import org.mailforge.smtp.spi.Domains;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.application.common.MessageHeaders;

/**
 * Which addresses an authenticated user may send as (SMTP_SENDER_LOGIN_MATCH), in the envelope
 * and in the header {@code From:} and {@code Sender:}: its own address, compared without regard
 * to case (the domain also across its U-label and A-label forms), an alias that reaches it; an
 * administrator also any address of a local domain (postmaster, no-reply, role addresses).
 * Everything else gets Postfix's {@code reject_sender_login_mismatch} answer at MAIL, and a
 * {@code 550 5.7.1} after the data. What passes is what this server signs with its DKIM keys.
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

    /**
     * Null when every author the header block names (each From: address, the Sender:) is an
     * address {@code login} may send as, else the {@code 550 5.7.1} refusal after the data. A
     * block whose From: or Sender: cannot be read is refused: nothing we cannot read is vouched for.
     */
    public Reply verifyAuthors(String login, MessageHeaders.Authors authors) {
        if (!authors.readable()) {
            return Reply.of(550, "5.7.1", "Message rejected: its From: or Sender: cannot be read");
        }
        for (String address : authors.all()) {
            if (verify(login, address) != null) {
                return Reply.of(550, "5.7.1", "Message rejected: header address <" + address + "> is not owned by user " + login);
            }
        }
        return null;
    }

    private static boolean owns(User user, String address) {
        return MailDirectory.normalize(user.getEmail()).equals(MailDirectory.normalize(address));
    }
}
