package org.mailforge.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;


/** SMTP_STORAGE_TYPE=mbox (mboxrd), read back with Python's mailbox.mbox. */
class MboxStorageIT extends StorageBackendContract {

    MboxStorageIT() {
        super("mailforgeMbox", TestPorts.port(1025), TestPorts.port(1080));
    }

    @Override
    List<String> environment() {
        return List.of("SMTP_STORAGE_TYPE=mbox");
    }

    @Override
    List<byte[]> read(String mailbox) throws Exception {
        return IndependentReaders.python("mbox", backend().mail().resolve(mailbox));
    }

    /**
     * mbox is a file of Unix lines: CRLF is kept as LF, so a bare LF in binary (BDAT) content reads
     * back as CRLF like every other line end. Text, bare CRs and all other octets come back exactly.
     */
    @Override
    byte[] asRead(byte[] sent) {
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream(sent.length);
        for (int i = 0; i < sent.length; i++) {
            if (sent[i] == '\n' && (i == 0 || sent[i - 1] != '\r')) {
                read.write('\r');
            }
            read.write(sent[i]);
        }
        return read.toByteArray();
    }

    /** The mbox file is a folder for a while: it cannot be opened for appending. */
    @Override
    AutoCloseable breakStorage(String mailbox) throws Exception {
        Path file = backend().mail().resolve(mailbox);
        Path away = file.resolveSibling(mailbox + ".away");
        Files.move(file, away);
        Files.createDirectory(file);
        return () -> {
            Files.delete(file);
            Files.move(away, file);
        };
    }

    /** The mbox file and its Junk file go. */
    @Override
    boolean anyMailLeft(String mailbox, List<String> keys) {
        return Files.exists(backend().mail().resolve(mailbox)) || Files.exists(backend().mail().resolve(mailbox + ".Junk"));
    }
}
