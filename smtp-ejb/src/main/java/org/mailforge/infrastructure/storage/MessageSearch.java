package org.mailforge.infrastructure.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.domain.mail.MessageIndex;
import org.mailforge.infrastructure.persistence.DatabaseKind;

/**
 * Lists and searches a mailbox's messages in the {@code messages} table, the query going through
 * the full-text index: every word must occur (FTS5 with each word quoted, so no query syntax
 * reaches it; {@code plainto_tsquery} on PostgreSQL). Newest first.
 */
@ApplicationScoped
public class MessageSearch implements MessageIndex {

    @PersistenceContext(unitName = "mailforge")
    EntityManager em;

    @Inject
    org.mailforge.infrastructure.persistence.JpaTransactions transactions;

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Page search(String mailbox, String query, int offset, int limit) {
        if (query == null || query.isBlank()) {
            List<DatabaseMessage> all = em.createQuery(
                    "SELECT m FROM DatabaseMessage m WHERE m.user = :user ORDER BY m.id DESC", DatabaseMessage.class)
                    .setParameter("user", mailbox).setFirstResult(offset).setMaxResults(limit).getResultList();
            long total = em.createQuery("SELECT COUNT(m) FROM DatabaseMessage m WHERE m.user = :user", Long.class)
                    .setParameter("user", mailbox).getSingleResult();
            return new Page(all.stream().map(MessageSearch::entry).toList(), total);
        }
        boolean sqlite = transactions.kind() == DatabaseKind.SQLITE;
        String match = sqlite
                ? "m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?2)"
                : "m.search @@ plainto_tsquery('simple', ?2)";
        String argument = sqlite ? fts5Words(query) : query;
        if (argument.isEmpty()) {
            return new Page(List.of(), 0);
        }
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("SELECT m.id FROM messages m WHERE m.\"user\" = ?1 AND " + match
                        + " ORDER BY m.id DESC LIMIT ?3 OFFSET ?4")
                .setParameter(1, mailbox).setParameter(2, argument).setParameter(3, limit).setParameter(4, offset)
                .getResultList();
        Number total = (Number) em.createNativeQuery("SELECT COUNT(*) FROM messages m WHERE m.\"user\" = ?1 AND " + match)
                .setParameter(1, mailbox).setParameter(2, argument).getSingleResult();
        List<Entry> messages = new ArrayList<>();
        for (Number id : ids) {
            messages.add(entry(em.find(DatabaseMessage.class, id.longValue())));
        }
        return new Page(messages, total.longValue());
    }

    private static Entry entry(DatabaseMessage message) {
        return new Entry(message.getId(), message.getMessageId(), message.getFolder(), message.getFromAddress(),
                message.getToAddresses(), message.getSubject(), message.getDate(), message.getSize());
    }

    /** Each word as an FTS5 string (quotes doubled), all required. */
    static String fts5Words(String query) {
        List<String> words = new ArrayList<>();
        for (String word : query.toLowerCase(Locale.ROOT).split("[\\s\\p{Punct}&&[^@._-]]+")) {
            if (!word.isBlank()) {
                words.add("\"" + word.replace("\"", "\"\"") + "\"");
            }
        }
        return String.join(" ", words);
    }
}
