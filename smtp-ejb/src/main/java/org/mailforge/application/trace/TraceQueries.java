package org.mailforge.application.trace;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.directory.DirectoryService;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.domain.directory.Alias;
import org.mailforge.domain.trace.MessageTrace;
import org.mailforge.domain.trace.TraceQuery;
import org.mailforge.domain.trace.TraceStatus;
import org.mailforge.domain.trace.TraceStore;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserRepository;

/**
 * "What happened to my mail?": searches of the message trace and one message's timeline. An
 * administrator sees every trace; a user the mail it sent (its login, or one of its addresses as
 * the sender) or received (one of its addresses, or an alias that reaches it, as a recipient).
 */
@ApplicationScoped
public class TraceQueries {

    @Inject
    TraceStore store;

    @Inject
    UserRepository users;

    @Inject
    DirectoryService directory;

    /** Who asks: an administrator sees all. */
    public record Viewer(String login, boolean admin) {
    }

    /** What to look for; null fields do not filter. Addresses are compared in lower case. */
    public record Filter(String sender, String recipient, String messageId, String id, String client, TraceStatus status,
                         Instant from, Instant to) {
    }

    public TraceStore.TracePage search(Viewer viewer, Filter filter, int offset, int limit) {
        Set<String> visible = viewer.admin() ? null : addresses(viewer.login());
        return store.search(new TraceQuery(lower(filter.sender()), lower(filter.recipient()), filter.messageId(), filter.id(),
                filter.client(), filter.status(), filter.from(), filter.to(), visible, viewer.admin() ? null : viewer.login(),
                offset, limit));
    }

    /** One message's timeline; empty when there is none, or the viewer may not see it. */
    public Optional<MessageTrace> find(Viewer viewer, String id) {
        if (!viewer.admin() && !store.involves(id, addresses(viewer.login()), viewer.login())) {
            return Optional.empty();
        }
        return store.find(id);
    }

    /** A user's addresses: its own, and every alias that delivers to it. */
    private Set<String> addresses(String login) {
        Set<String> addresses = new LinkedHashSet<>();
        Optional<User> user = users.findByUsername(login);
        if (user.isPresent() && user.get().isEnabled()) {
            String email = MailDirectory.normalize(user.get().getEmail());
            addresses.add(email);
            for (Alias alias : directory.aliasesReaching(email)) {
                addresses.add(MailDirectory.normalize(alias.getAddress()));
            }
        }
        return addresses;
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }
}
