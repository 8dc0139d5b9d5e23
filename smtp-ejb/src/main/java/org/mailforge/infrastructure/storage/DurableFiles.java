package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Writing a file so that it is either complete and durable or absent: write a temporary file,
 * fsync it, rename it into place, fsync the directory.
 */
final class DurableFiles {

    /** Writes the body of a file. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Set<StandardOpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    /** Writers into the same directory at the same time share its fsync. */
    private static final DirectorySync DIRECTORIES = new DirectorySync(DurableFiles::fsyncDirectory);

    private DurableFiles() {
    }

    /**
     * @param temporary where to write first (same file system as {@code target})
     * @return the octets written
     */
    static long write(Path temporary, Path target, Body body) throws IOException {
        long size;
        try (FileChannel file = FileChannel.open(temporary, CREATE_NEW)) {
            CountingOutputStream out = new CountingOutputStream(Channels.newOutputStream(file));
            body.writeTo(out);
            out.flush();
            size = out.count;
            file.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        forceDirectory(target.getParent());
        return size;
    }

    /**
     * Creates a directory and whatever parents are missing, each made durable: a new directory's
     * entry lives in its parent, so every parent that got a new entry is fsynced, up to the first
     * directory that already existed. Without that, the first message of a new mailbox or day
     * could vanish in a crash after its 250.
     */
    static Path createDirectoriesDurably(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return directory;
        }
        java.util.Deque<Path> missing = new java.util.ArrayDeque<>();
        for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path created : missing) {
            try {
                Files.createDirectory(created);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made at the same moment by another session: its entry is what we need to sync
            }
            forceDirectory(created.getParent());
        }
        return directory;
    }

    /**
     * Makes a directory entry (a create, rename or delete inside it) durable: returns after an fsync
     * of the directory that began after this call, shared with other writers into it (group commit).
     */
    static void forceDirectory(Path directory) throws IOException {
        DIRECTORIES.force(directory);
    }

    private static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(new java.io.BufferedOutputStream(out, 64 * 1024));
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
