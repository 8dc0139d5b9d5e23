package org.mailforge.application.mailbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.config.StorageConfiguration;
import org.mailforge.domain.mail.MessageIndex;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserValidation;

/** Listing and searching a user's stored messages: only the database store keeps an index of them. */
@ApplicationScoped
public class MailboxSearch {

    @Inject
    ServerConfiguration configuration;

    @Inject
    MessageIndex index;

    /**
     * A page of the user's messages, newest first, those containing every word of {@code query}
     * when it is not blank.
     *
     * @throws UserValidation.InvalidFieldException when the messages are not stored in the database
     */
    public MessageIndex.Page search(User user, String query, int offset, int limit) {
        if (configuration.storage().type() != StorageConfiguration.StorageType.DATABASE) {
            throw new UserValidation.InvalidFieldException("q", "listing and searching messages needs SMTP_STORAGE_TYPE=database");
        }
        return index.search(user.getEmail(), query, offset, limit);
    }
}
