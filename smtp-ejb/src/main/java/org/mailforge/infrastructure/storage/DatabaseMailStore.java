package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.infrastructure.persistence.DatabaseKind;
import org.mailforge.smtp.spi.MessageContent;

/**
 * SMTP_STORAGE_TYPE=database: each copy is a row of the spec's {@code messages} table, raw body as
 * a BLOB, header fields parsed with Jakarta Mail, and its text in the full-text index (FTS5 on
 * SQLite, in the same transaction; a generated tsvector on PostgreSQL). Durable means committed:
 * the row's own transaction commits before the 250.
 */
@ApplicationScoped
@Typed(DatabaseMailStore.class)
public class DatabaseMailStore implements MailStore {

    static final String KEY_PREFIX = "db:";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    @PersistenceContext(unitName = "mailforge")
    EntityManager em;

    @Resource(lookup = "jdbc/mailforge")
    DataSource dataSource;

    private volatile DatabaseKind kind;

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public StoredLocation store(String mailbox, String returnPath, MessageContent content) throws IOException {
        return store(mailbox, Folder.INBOX, returnPath, content);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException {
        byte[] raw;
        try (java.io.InputStream in = StoredForm.of(returnPath, content).openStream()) {
            raw = in.readAllBytes();
        }
        ParsedMessage parsed = ParsedMessage.of(raw);
        DatabaseMessage row = new DatabaseMessage(newId(), mailbox, folder == Folder.JUNK ? "Junk" : "INBOX", parsed, raw);
        em.persist(row);
        em.flush(); // the identity, for the index
        if (kind() == DatabaseKind.SQLITE) {
            em.createNativeQuery("INSERT INTO messages_fts(rowid, subject, body) VALUES (?, ?, ?)")
                    .setParameter(1, row.getId())
                    .setParameter(2, parsed.subject() == null ? "" : parsed.subject())
                    .setParameter(3, parsed.text() == null ? "" : parsed.text())
                    .executeUpdate();
        }
        return new StoredLocation(mailbox, KEY_PREFIX + row.getId(), raw.length);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void remove(StoredLocation location) {
        deleteRow(em, kind() == DatabaseKind.SQLITE, location);
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void renameMailbox(String from, String to) {
        moveMailboxRows(em, from, to);
    }

    /** Gives a mailbox's messages to another address in the caller's transaction (the server and user-cli share this). */
    public static void moveMailboxRows(EntityManager em, String from, String to) {
        em.createQuery("UPDATE DatabaseMessage m SET m.user = :to WHERE m.user = :from")
                .setParameter("to", to).setParameter("from", from).executeUpdate();
    }

    @Override
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void removeMailbox(String mailbox) {
        deleteMailboxRows(em, kind() == DatabaseKind.SQLITE, mailbox);
    }

    /** Deletes one stored message in the caller's transaction (the server and user-cli share this). */
    public static void deleteRow(EntityManager em, boolean sqlite, StoredLocation location) {
        if (location.key().startsWith(KEY_PREFIX)) {
            delete(em, sqlite, List.of(Long.parseLong(location.key().substring(KEY_PREFIX.length()))));
        }
    }

    /** Deletes every message of a mailbox in the caller's transaction (the server and user-cli share this). */
    public static void deleteMailboxRows(EntityManager em, boolean sqlite, String mailbox) {
        delete(em, sqlite, em.createQuery("SELECT m.id FROM DatabaseMessage m WHERE m.user = :user", Long.class)
                .setParameter("user", mailbox).getResultList());
    }

    private static void delete(EntityManager em, boolean sqlite, List<Long> ids) {
        for (Long id : ids) {
            if (sqlite) { // the full-text index is a table of its own there
                em.createNativeQuery("DELETE FROM messages_fts WHERE rowid = ?").setParameter(1, id).executeUpdate();
            }
            em.createQuery("DELETE FROM DatabaseMessage m WHERE m.id = :id").setParameter("id", id).executeUpdate();
        }
    }

    /** Nothing beyond the database itself, which start-up migrates (and fails on) and /health watches. */
    @Override
    public void checkAvailable() {
        // the schema migration at start-up is this store's availability check
    }

    DatabaseKind kind() {
        if (kind == null) {
            try {
                kind = DatabaseKind.of(dataSource);
            } catch (SQLException e) {
                throw new IllegalStateException("SMTP_STORAGE_TYPE=database: the database is unreachable: " + e.getMessage(), e);
            }
        }
        return kind;
    }

    private static String newId() {
        char[] chars = new char[20];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        return "msg_" + new String(chars);
    }
}
