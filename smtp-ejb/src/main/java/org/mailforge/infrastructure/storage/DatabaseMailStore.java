package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;

import jakarta.persistence.EntityManager;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.infrastructure.persistence.DatabaseKind;
import org.mailforge.infrastructure.persistence.JpaTransactions;
import org.mailforge.smtp.spi.MessageContent;

/**
 * SMTP_STORAGE_TYPE=database: each copy is a row of the spec's {@code messages} table, raw body as
 * a BLOB, header fields parsed with Jakarta Mail, and its text in the full-text index (FTS5 on
 * SQLite, in the same transaction; a generated tsvector on PostgreSQL). Durable means committed:
 * the row's own transaction commits before the 250.
 */
public class DatabaseMailStore implements MailStore {

    static final String KEY_PREFIX = "db:";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private final JpaTransactions tx;

    /** @param tx the server's container transactions or user-cli's own: each write commits on its own, before the 250 */
    public DatabaseMailStore(JpaTransactions tx) {
        this.tx = tx;
    }

    @Override
    public StoredLocation store(String mailbox, String returnPath, MessageContent content) throws IOException {
        return store(mailbox, Folder.INBOX, returnPath, content);
    }

    @Override
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException {
        byte[] raw;
        try (java.io.InputStream in = StoredForm.of(returnPath, content).openStream()) {
            raw = in.readAllBytes();
        }
        ParsedMessage parsed = ParsedMessage.of(raw); // read and parsed before the transaction, which holds a connection
        boolean sqlite = tx.kind() == DatabaseKind.SQLITE;
        return tx.writeAlone(em -> {
            DatabaseMessage row = new DatabaseMessage(newId(), mailbox, folder == Folder.JUNK ? "Junk" : "INBOX", parsed, raw);
            em.persist(row);
            em.flush(); // the identity, for the index
            if (sqlite) {
                em.createNativeQuery("INSERT INTO messages_fts(rowid, subject, body) VALUES (?, ?, ?)")
                        .setParameter(1, row.getId())
                        .setParameter(2, parsed.subject() == null ? "" : parsed.subject())
                        .setParameter(3, parsed.text() == null ? "" : parsed.text())
                        .executeUpdate();
            }
            return new StoredLocation(mailbox, KEY_PREFIX + row.getId(), raw.length);
        });
    }

    @Override
    public void remove(StoredLocation location) {
        if (location.key().startsWith(KEY_PREFIX)) {
            long id = Long.parseLong(location.key().substring(KEY_PREFIX.length()));
            boolean sqlite = tx.kind() == DatabaseKind.SQLITE;
            tx.writeAloneDo(em -> delete(em, sqlite, List.of(id)));
        }
    }

    @Override
    public void renameMailbox(String from, String to) {
        tx.writeAloneDo(em -> em.createQuery("UPDATE DatabaseMessage m SET m.user = :to WHERE m.user = :from")
                .setParameter("to", to).setParameter("from", from).executeUpdate());
    }

    @Override
    public void removeMailbox(String mailbox) {
        boolean sqlite = tx.kind() == DatabaseKind.SQLITE;
        tx.writeAloneDo(em -> delete(em, sqlite, em.createQuery("SELECT m.id FROM DatabaseMessage m WHERE m.user = :user", Long.class)
                .setParameter("user", mailbox).getResultList()));
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

    private static String newId() {
        char[] chars = new char[20];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        return "msg_" + new String(chars);
    }
}
