package org.mailforge.infrastructure.storage;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.application.scanning.ReportedMessages;
import org.mailforge.domain.mail.Folder;

/** Messages of the database store (the {@code messages} table), found by id within their mailbox only. */
@ApplicationScoped
public class DatabaseReportedMessages implements ReportedMessages {

    @PersistenceContext(unitName = "mailforge")
    EntityManager em;

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<byte[]> content(String mailbox, long id) {
        return find(mailbox, id).map(DatabaseMessage::body);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void file(String mailbox, long id, Folder folder) {
        // the write first: a read before it would fail on SQLite when another session wrote in between
        em.createQuery("UPDATE DatabaseMessage m SET m.folder = :folder WHERE m.id = :id AND m.user = :user")
                .setParameter("folder", folder == Folder.JUNK ? "Junk" : "INBOX").setParameter("id", id).setParameter("user", mailbox)
                .executeUpdate();
    }

    private Optional<DatabaseMessage> find(String mailbox, long id) {
        DatabaseMessage message = em.find(DatabaseMessage.class, id);
        return message != null && message.getUser().equals(mailbox) ? Optional.of(message) : Optional.empty();
    }
}
