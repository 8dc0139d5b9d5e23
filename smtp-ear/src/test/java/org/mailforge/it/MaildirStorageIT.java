package org.mailforge.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;


/** SMTP_STORAGE_TYPE=maildir, read back with Python's mailbox.Maildir. */
class MaildirStorageIT extends StorageBackendContract {

    MaildirStorageIT() {
        super("mailforgeMaildir", TestPorts.port(925), TestPorts.port(980));
    }

    @Override
    List<String> environment() {
        return List.of("SMTP_STORAGE_TYPE=maildir");
    }

    @Override
    List<byte[]> read(String mailbox) throws Exception {
        return IndependentReaders.python("maildir", backend().mail().resolve(mailbox));
    }

    /** tmp/ is a file instead of a folder: the delivery cannot even begin (root ignores permissions). */
    @Override
    AutoCloseable breakStorage(String mailbox) throws Exception {
        Path tmp = backend().mail().resolve(mailbox).resolve("tmp");
        Path away = tmp.resolveSibling("tmp.away");
        Files.move(tmp, away);
        Files.createFile(tmp);
        return () -> {
            Files.delete(tmp);
            Files.move(away, tmp);
        };
    }

    /** The maildir itself goes (Python's reader refuses a folder that is not there). */
    @Override
    boolean anyMailLeft(String mailbox, List<String> keys) {
        return Files.exists(backend().mail().resolve(mailbox));
    }
}
