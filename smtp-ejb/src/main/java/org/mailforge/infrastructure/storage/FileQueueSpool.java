package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.mailforge.domain.queue.QueueSpool;
import org.mailforge.smtp.spi.MessageContent;

/**
 * Queued content as one durable file per queue entry in SMTP_QUEUE_PATH. A message for several
 * domains is written once; the other entries get hard links to it, so each entry owns its file
 * and removing one never touches another.
 */
public final class FileQueueSpool implements QueueSpool {

    private final Path folder;

    public FileQueueSpool(Path folder) {
        this.folder = folder;
    }

    @Override
    public void checkAvailable() {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new IllegalStateException("SMTP_QUEUE_PATH=" + folder + ": cannot create the queue folder (" + e + ")", e);
        }
        if (!Files.isWritable(folder)) {
            throw new IllegalStateException("SMTP_QUEUE_PATH=" + folder + " is not writable by this server");
        }
    }

    @Override
    public String write(String id, MessageContent content) throws IOException {
        String name = id + ".eml";
        Files.createDirectories(folder);
        DurableFiles.write(folder.resolve(id + ".tmp"), folder.resolve(name), content::writeTo);
        return name;
    }

    @Override
    public String link(String existing, String id) throws IOException {
        String name = id + ".eml";
        Path target = folder.resolve(name);
        try {
            Files.createLink(target, folder.resolve(existing));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            throw new IOException("cannot link queue file " + existing + " as " + name, e);
        }
        DurableFiles.forceDirectory(folder);
        return name;
    }

    @Override
    public MessageContent open(String name) throws IOException {
        Path file = folder.resolve(name);
        long size = Files.size(file);
        return new LazyContent(size, () -> Files.newInputStream(file));
    }

    @Override
    public void delete(String name) {
        try {
            Files.deleteIfExists(folder.resolve(name));
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(FileQueueSpool.class.getName())
                    .warning("could not remove queue file " + name + ": " + e);
        }
    }
}
