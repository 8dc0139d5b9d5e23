package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.spi.MessageContent;

/**
 * One mbox file per mailbox, mboxrd format: a {@code From <sender> <date>} separator line, the
 * message with {@code >From} quoting, an empty line. Deliveries are serialised three ways: a lock
 * per file inside this server, a {@code <file>.lock} dot-lock and an fcntl lock for other programs
 * (mail readers, procmail). A failed append is truncated away, so no half message stays visible.
 */
public final class MboxStore implements MailStore {

    private static final String JUNK_KEY = "Junk:";

    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final Duration STALE_DOTLOCK = Duration.ofMinutes(5);
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private final Path root;
    private final Clock clock;
    private final ConcurrentHashMap<Path, ReentrantLock> locks = new ConcurrentHashMap<>();

    public MboxStore(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /** The mbox file of a mailbox: the address, made safe as a file name like a maildir folder. */
    Path file(String mailbox) {
        return root.resolve(MaildirStore.directoryName(mailbox));
    }

    /** The quarantine of a mailbox: a second mbox file beside it. */
    Path junkFile(String mailbox) {
        return root.resolve(MaildirStore.directoryName(mailbox) + ".Junk");
    }

    @Override
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException {
        String prefix = folder == Folder.JUNK ? JUNK_KEY : "";
        Path file = folder == Folder.JUNK ? junkFile(mailbox) : file(mailbox);
        DurableFiles.createDirectoriesDurably(root);
        boolean newFile = Files.notExists(file);
        StoredLocation location = locked(file, channel -> {
            long start = channel.size();
            try {
                java.util.zip.CheckedOutputStream checked = new java.util.zip.CheckedOutputStream(
                        Channels.newOutputStream(channel.position(start)), new java.util.zip.CRC32());
                OutputStream out = new java.io.BufferedOutputStream(checked, 64 * 1024);
                String sender = returnPath.isEmpty() ? "MAILER-DAEMON" : returnPath;
                out.write(("From " + sender + " " + ASCTIME.format(clock.instant()) + "\n").getBytes(StandardCharsets.UTF_8));
                MboxrdOutputStream body = new MboxrdOutputStream(out);
                StoredForm.of(returnPath, content).writeTo(body);
                body.finish();
                channel.force(true);
                long length = channel.size() - start;
                // the checksum lets an undo make sure it cuts out exactly this message, nothing else
                return new StoredLocation(mailbox, prefix + start + ":" + length + ":"
                        + Long.toHexString(checked.getChecksum().getValue()), length);
            } catch (IOException | RuntimeException e) {
                channel.truncate(start);
                channel.force(true);
                throw e;
            }
        });
        if (newFile) {
            DurableFiles.forceDirectory(root); // the new file's name, before the 250
        }
        return location;
    }

    @Override
    public void remove(StoredLocation location) throws IOException {
        boolean junk = location.key().startsWith(JUNK_KEY);
        Path file = junk ? junkFile(location.mailbox()) : file(location.mailbox());
        String[] range = location.key().substring(junk ? JUNK_KEY.length() : 0).split(":");
        long start = Long.parseLong(range[0]);
        long length = Long.parseLong(range[1]);
        Long checksum = range.length > 2 ? Long.parseLong(range[2], 16) : null;
        locked(file, channel -> {
            if (start + length > channel.size() || !holds(channel, start, length, checksum)) {
                return null; // the file changed since (an append, an earlier removal): nothing safe to remove
            }
            // move everything after the message down over it, then cut the tail
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            long read = start + length;
            long write = start;
            while (read < channel.size()) {
                chunk.clear();
                int n = channel.read(chunk, read);
                chunk.flip();
                while (chunk.hasRemaining()) {
                    write += channel.write(chunk, write);
                }
                read += n;
            }
            channel.truncate(write);
            channel.force(true);
            return null;
        });
    }

    /**
     * Whether the range still holds the message stored there: its octets have the checksum taken
     * when it was written (older locations without one: it must be the file's last message).
     */
    private static boolean holds(FileChannel channel, long start, long length, Long checksum) throws IOException {
        ByteBuffer separator = ByteBuffer.allocate(5);
        channel.read(separator, start);
        if (!"From ".equals(new String(separator.array(), StandardCharsets.US_ASCII))) {
            return false;
        }
        if (checksum == null) {
            return start + length == channel.size();
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        for (long at = start; at < start + length;) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), start + length - at));
            int n = channel.read(chunk, at);
            if (n <= 0) {
                return false;
            }
            chunk.flip();
            crc.update(chunk);
            at += n;
        }
        return crc.getValue() == checksum;
    }

    @Override
    public void renameMailbox(String from, String to) throws IOException {
        for (boolean junk : new boolean[] {false, true}) {
            Path source = junk ? junkFile(from) : file(from);
            Path target = junk ? junkFile(to) : file(to);
            if (Files.exists(source) && !source.equals(target)) {
                if (Files.exists(target)) {
                    throw new FileAlreadyExistsException(target.toString(), null, "the new address has mail already");
                }
                Files.move(source, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
        DurableFiles.forceDirectory(root);
    }

    @Override
    public void removeMailbox(String mailbox) throws IOException {
        Files.deleteIfExists(file(mailbox));
        Files.deleteIfExists(junkFile(mailbox));
        DurableFiles.forceDirectory(root);
    }

    @Override
    public void checkAvailable() {
        MaildirStore.checkWritable(root);
    }

    @FunctionalInterface
    private interface LockedWork<T> {
        T run(FileChannel channel) throws IOException;
    }

    private <T> T locked(Path file, LockedWork<T> work) throws IOException {
        ReentrantLock inProcess = locks.computeIfAbsent(file, f -> new ReentrantLock());
        inProcess.lock();
        Path dotLock = file.resolveSibling(file.getFileName() + ".lock");
        try {
            acquireDotLock(dotLock);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                return work.run(channel);
            } finally {
                Files.deleteIfExists(dotLock);
            }
        } finally {
            inProcess.unlock();
        }
    }

    /** The traditional {@code .lock} file: created exclusively; one older than 5 minutes is stale. */
    private void acquireDotLock(Path dotLock) throws IOException {
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        while (true) {
            try {
                Files.createFile(dotLock);
                return;
            } catch (FileAlreadyExistsException e) {
                try {
                    FileTime modified = Files.getLastModifiedTime(dotLock);
                    if (modified.toInstant().isBefore(clock.instant().minus(STALE_DOTLOCK))) {
                        Files.deleteIfExists(dotLock);
                        continue;
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("mailbox " + dotLock + " stays locked; try again later");
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted waiting for " + dotLock, interrupted);
                }
            }
        }
    }
}
