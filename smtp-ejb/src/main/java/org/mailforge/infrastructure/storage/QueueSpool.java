package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.infrastructure.config.ServerConfiguration;
import org.mailforge.smtp.spi.MessageContent;

/**
 * The content of queued messages: one durable file per queue entry in SMTP_QUEUE_PATH. A message
 * for several domains is written once; the other entries get hard links to it, so each entry owns
 * its file and removing one never touches another.
 */
@ApplicationScoped
public class QueueSpool {

    private final Path folder;

    @Inject
    public QueueSpool(ServerConfiguration configuration) {
        this(configuration.outbound().queuePath());
    }

    public QueueSpool(Path folder) {
        this.folder = folder;
    }

    protected QueueSpool() {
        this.folder = null; // CDI proxy
    }

    /** Creates the folder, or fails with a message naming the variable to set. */
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

    /** Writes the content for queue entry {@code id}, durably; returns the file name to record. */
    public String write(String id, MessageContent content) throws IOException {
        String name = id + ".eml";
        Files.createDirectories(folder);
        DurableFiles.write(folder.resolve(id + ".tmp"), folder.resolve(name), out -> {
            try (InputStream in = content.openStream()) {
                in.transferTo(out);
            }
        });
        return name;
    }

    /** Gives entry {@code id} the same content as the file {@code existing}, durably. */
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

    public MessageContent open(String name) throws IOException {
        Path file = folder.resolve(name);
        long size = Files.size(file);
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream openStream() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }

    public void delete(String name) {
        try {
            Files.deleteIfExists(folder.resolve(name));
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(QueueSpool.class.getName())
                    .warning("could not remove queue file " + name + ": " + e);
        }
    }

    public Path folder() {
        return folder;
    }
}
