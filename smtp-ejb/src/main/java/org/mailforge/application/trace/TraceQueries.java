package org.mailforge.application.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.mailforge.domain.trace.TraceFacts;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.domain.trace.TraceSummary;
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

    /** Pages a user may go through: the trace is for finding a message, not for reading the whole table. */
    static final int MAX_USER_OFFSET = 10_000;

    public TraceStore.TracePage search(Viewer viewer, Filter filter, int offset, int limit) {
        Set<String> visible = viewer.admin() ? null : addresses(viewer.login());
        TraceStore.TracePage page = store.search(new TraceQuery(lower(filter.sender()), lower(filter.recipient()), filter.messageId(),
                filter.id(), filter.client(), filter.status(), filter.from(), filter.to(), visible,
                viewer.admin() ? null : viewer.login(), viewer.admin() ? offset : Math.min(offset, MAX_USER_OFFSET), limit));
        if (viewer.admin()) {
            return page;
        }
        return new TraceStore.TracePage(page.items().stream().map(summary -> redacted(summary, viewer.login(), visible)).toList(),
                page.total());
    }

    /** One message's timeline; empty when there is none, or the viewer may not see it. */
    public Optional<MessageTrace> find(Viewer viewer, String id) {
        if (viewer.admin()) {
            return store.find(id);
        }
        Set<String> visible = addresses(viewer.login());
        if (!store.involves(id, visible, viewer.login())) {
            return Optional.empty();
        }
        return store.find(id).map(trace -> redacted(trace, viewer.login(), visible));
    }

    /**
     * What a user may read of a message: its sender (its login, or one of its addresses as the
     * envelope sender) reads the recipients it named and how each fared; a recipient reads what
     * concerns its own addresses. Neither reads the other recipients (Bcc stays blind), who an
     * alias expands to, where a forward goes, store keys, the spam score, or the login and
     * address of someone else's authenticated client: what our Received: header keeps to itself.
     */
    static MessageTrace redacted(MessageTrace trace, String login, Set<String> addresses) {
        TraceSummary summary = redacted(trace.summary(), login, addresses);
        boolean sender = sentBy(trace.summary().facts(), login, addresses);
        Set<String> named = recipients(summary.facts());
        List<TraceStep> steps = new ArrayList<>();
        for (TraceStep step : trace.steps()) {
            boolean shown = step.recipient() == null ? sender || step.kind() == TraceStep.Kind.RECEIVED
                    : named.contains(step.recipient()) || sender && step.kind() == TraceStep.Kind.REFUSED // refused: named by the sender
                    || addresses.contains(step.recipient());
            if (shown) {
                steps.add(new TraceStep(step.at(), step.kind(), step.recipient(), step.queueId(), step.outcome(), step.reply(),
                        detail(step)));
            }
        }
        return new MessageTrace(summary, steps);
    }

    private static TraceSummary redacted(TraceSummary summary, String login, Set<String> addresses) {
        TraceFacts f = summary.facts();
        boolean sender = sentBy(f, login, addresses);
        String recipients = sender ? f.recipients() : String.join(" ", recipients(f).stream().filter(addresses::contains).toList());
        boolean ownClient = sender || f.authUser() == null; // another user's home address stays theirs
        TraceFacts shown = new TraceFacts(f.node(), f.listener(), ownClient ? f.clientAddress() : null, ownClient ? f.clientName() : null,
                ownClient ? f.helo() : null, ownClient ? f.tls() : null, login.equals(f.authUser()) ? f.authUser() : null, f.sender(),
                f.messageId(), f.subject(), f.sizeBytes(), recipients, f.authentication(), null);
        return new TraceSummary(summary.id(), summary.firstAt(), summary.lastAt(), summary.status(), shown);
    }

    private static boolean sentBy(TraceFacts facts, String login, Set<String> addresses) {
        return login.equals(facts.authUser()) || facts.sender() != null && addresses.contains(facts.sender());
    }

    private static Set<String> recipients(TraceFacts facts) {
        return facts.recipients() == null || facts.recipients().isBlank() ? Set.of()
                : new LinkedHashSet<>(List.of(facts.recipients().split(" ")));
    }

    /** A step's words without what only an administrator reads: mailboxes and keys, forward targets, who acted. */
    private static String detail(TraceStep step) {
        return switch (step.kind()) {
            case STORED -> "stored";
            case QUEUED -> "queued for delivery";
            case ADMIN -> "an administrator acted on it";
            case NOTIFIED -> "the sender was notified";
            default -> step.detail();
        };
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
