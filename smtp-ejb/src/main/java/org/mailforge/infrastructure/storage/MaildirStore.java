package org.mailforge.infrastructure.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailStore;
import org.mailforge.domain.mail.StoredLocation;
import org.mailforge.smtp.spi.MessageContent;

/**
 * Maildir delivery (cr.yp.to/proto/maildir.html): write to {@code tmp/}, fsync the file, rename
 * into {@code new/}, fsync the directory. Only then does the message count as stored.
 *
 * <p>Each mailbox is the folder {@code <root>/<recipient address>/}.
 */
public final class MaildirStore implements MailStore {

    /** The Maildir++ name of the Junk folder (Dovecot and Courier show it as "Junk"). */
    static final String JUNK = ".Junk";

    private final Path root;
    private final MaildirNames names;
    private final Set<Path> knownMailboxes = ConcurrentHashMap.newKeySet();

    public MaildirStore(Path root) {
        this(root, localHostName());
    }

    MaildirStore(Path root, String hostname) {
        this.root = root;
        this.names = new MaildirNames(hostname);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public StoredLocation store(String mailbox, Folder folder, String returnPath, MessageContent content) throws IOException {
        Path maildir = mailboxDirectory(mailbox);
        String prefix = "";
        if (folder == Folder.JUNK) {
            prefix = JUNK + "/";
            maildir = subfolder(maildir.resolve(JUNK));
        }
        String name = names.next();
        long size;
        try {
            size = DurableFiles.write(maildir.resolve("tmp").resolve(name), maildir.resolve("new").resolve(name),
                    StoredForm.of(returnPath, content)::writeTo);
        } catch (java.nio.file.NoSuchFileException e) {
            // removed outside the server since we last saw it (user-cli, another node): make it again
            knownMailboxes.remove(root.resolve(directoryName(mailbox)));
            maildir = mailboxDirectory(mailbox);
            if (folder == Folder.JUNK) {
                maildir = subfolder(maildir.resolve(JUNK));
            }
            size = DurableFiles.write(maildir.resolve("tmp").resolve(name), maildir.resolve("new").resolve(name),
                    StoredForm.of(returnPath, content)::writeTo);
        }
        return new StoredLocation(mailbox, prefix + "new/" + name, size);
    }

    /** A Maildir++ folder: a maildir of its own inside the mailbox, marked with {@code maildirfolder}. */
    private static Path subfolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder.resolve("new"))) {
            for (String sub : new String[] {"tmp", "new", "cur"}) {
                DurableFiles.createDirectoriesDurably(folder.resolve(sub));
            }
            Path marker = folder.resolve("maildirfolder");
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
            DurableFiles.forceDirectory(folder);
        }
        return folder;
    }

    @Override
    public void remove(StoredLocation location) throws IOException {
        Path maildir = root.resolve(directoryName(location.mailbox()));
        Files.deleteIfExists(maildir.resolve(location.key()));
        DurableFiles.forceDirectory(maildir.resolve(location.key()).getParent());
    }

    @Override
    public void renameMailbox(String from, String to) throws IOException {
        Path source = root.resolve(directoryName(from));
        Path target = root.resolve(directoryName(to));
        knownMailboxes.remove(source);
        knownMailboxes.remove(target);
        if (!Files.exists(source) || source.equals(target)) {
            return;
        }
        if (Files.exists(target)) {
            throw new java.nio.file.FileAlreadyExistsException(target.toString(), null, "the new address has mail already");
        }
        Files.move(source, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.forceDirectory(root);
    }

    @Override
    public void removeMailbox(String mailbox) throws IOException {
        Path maildir = root.resolve(directoryName(mailbox));
        knownMailboxes.remove(maildir);
        if (!Files.exists(maildir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(maildir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        DurableFiles.forceDirectory(root);
    }

    /** The maildir of a mailbox, created ({@code tmp}, {@code new}, {@code cur}) on first use. */
    public Path mailboxDirectory(String mailbox) throws IOException {
        Path maildir = root.resolve(directoryName(mailbox));
        if (!knownMailboxes.contains(maildir)) {
            for (String sub : new String[] {"tmp", "new", "cur"}) {
                DurableFiles.createDirectoriesDurably(maildir.resolve(sub));
            }
            knownMailboxes.add(maildir);
        }
        return maildir;
    }

    /**
     * The folder name for an address: the address itself with the domain in lower case; the few
     * characters that could escape the storage root or hide the folder are percent-encoded.
     */
    static String directoryName(String address) {
        int at = address.lastIndexOf('@');
        String normalized = at < 0 ? address : address.substring(0, at) + address.substring(at).toLowerCase(Locale.ROOT);
        StringBuilder name = new StringBuilder(normalized.length());
        for (int i = 0; i < normalized.length(); i++) {
            char c = normalized.charAt(i);
            if (c == '/' || c == '\\' || c == '%' || c < 0x20 || c == 0x7f || (i == 0 && c == '.')) {
                name.append('%').append(String.format("%02X", (int) c));
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    /**
     * Fails with a message naming {@code SMTP_STORAGE_PATH} unless the root exists (or can be
     * created) and accepts new files.
     */
    @Override
    public void checkAvailable() {
        checkWritable(root);
    }

    /** Fails with a message naming SMTP_STORAGE_PATH unless {@code root} takes new files. */
    static void checkWritable(Path root) {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IllegalStateException("SMTP_STORAGE_PATH=" + root + " is not writable (" + e
                    + "); set SMTP_STORAGE_PATH to a folder this server may write", e);
        }
    }
}
