package org.mailforge.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Dovecot from Debian's packages, started by a test on 127.0.0.1 with a configuration of
 * its own (the one docs/dovecot.md describes, cut down to plain IMAP on loopback): IMAP users
 * are checked against Mailforge's users table with the Argon2id PHC strings Mailforge writes, and
 * optionally an LMTP service takes mail for Mailforge's {@code SMTP_STORAGE_TYPE=lmtp}.
 *
 * <p>Dovecot never runs mail processes as root. Where the tests run as root (CI), mail is
 * accessed as {@code nobody}; elsewhere Dovecot runs wholly as the user running the tests.
 */
final class Dovecot implements AutoCloseable {

    /** The user whose mail processes read and write the mailboxes. */
    static final String MAIL_USER = isRoot() ? "nobody" : System.getProperty("user.name");

    private final Path folder;
    private final Path baseDir;
    private final Process process;

    private Dovecot(Path folder, Path baseDir, Process process) {
        this.folder = folder;
        this.baseDir = baseDir;
        this.process = process;
    }

    /** Skips the test (fails it in CI) unless Dovecot's IMAP and LMTP services and SQL drivers are installed. */
    static void requireInstalled() throws Exception {
        ExternalTools.requireCommand("dovecot");
        ExternalTools.requireFile("/usr/lib/dovecot/imap", "dovecot-imapd");
        ExternalTools.requireFile("/usr/lib/dovecot/lmtp", "dovecot-lmtpd");
        ExternalTools.requireFile("/usr/lib/dovecot/modules/auth/libdriver_sqlite.so", "dovecot-sqlite");
        ExternalTools.requireFile("/usr/lib/dovecot/modules/auth/libdriver_pgsql.so", "dovecot-pgsql");
    }

    /**
     * Starts Dovecot and waits until its IMAP port answers.
     *
     * @param folder   for its configuration and log
     * @param mailRoot the mailboxes: {@code <mailRoot>/<address>/}, Mailforge's maildir layout
     * @param sql      the passdb's driver settings: {@code driver = sqlite} and {@code connect = <file>}, or pgsql
     * @param lmtpPort the LMTP service's port, 0 for none
     */
    static Dovecot start(Path folder, int imapPort, int lmtpPort, Path mailRoot, List<String> sql) throws Exception {
        return start(folder, imapPort, lmtpPort, mailRoot, sql, List.of());
    }

    /** {@link #start(Path, int, int, Path, List)} with further lines of configuration (an auth policy, say). */
    static Dovecot start(Path folder, int imapPort, int lmtpPort, Path mailRoot, List<String> sql, List<String> more) throws Exception {
        String program = ExternalTools.requireCommand("dovecot");
        ExtraServer.deleteTree(folder);
        Files.createDirectories(folder);
        // unix sockets live in base_dir, and their paths may have at most 107 octets: keep it short
        Path baseDir = Path.of("/tmp", "mailforge-dovecot-" + imapPort);
        ExtraServer.deleteTree(baseDir);
        List<String> sqlFile = new ArrayList<>(sql);
        // one query for SQLite and PostgreSQL: a login is a user name or an email address, as for SMTP AUTH;
        // Dovecot's user is the canonical email, the name of the user's maildir
        sqlFile.add("password_query = SELECT email AS user, '{ARGON2ID}' || password_hash AS password FROM users"
                + " WHERE (username = '%Lu' OR email = '%Lu') AND enabled");
        Files.write(folder.resolve("dovecot-sql.conf.ext"), sqlFile);
        List<String> conf = new ArrayList<>(List.of(
                "base_dir = " + baseDir,
                "state_dir = " + folder.resolve("state"),
                "log_path = " + folder.resolve("dovecot.log"),
                "instance_name = mailforge-it-" + imapPort,
                "protocols = imap" + (lmtpPort > 0 ? " lmtp" : ""),
                "listen = 127.0.0.1",
                "ssl = no",
                "disable_plaintext_auth = no", // loopback only, in a test; docs/dovecot.md requires TLS
                "auth_mechanisms = plain login",
                "auth_failure_delay = 0", // Dovecot waits 2 s after each failed login by default; the tests fail many on purpose
                "mail_location = maildir:" + mailRoot + "/%u",
                "mail_uid = " + MAIL_USER,
                "mail_gid = " + primaryGroup(MAIL_USER),
                "first_valid_uid = 1",
                "recipient_delimiter = +",
                "lmtp_save_to_detail_mailbox = yes",
                "lda_mailbox_autocreate = yes",
                "passdb {", "  driver = sql", "  args = " + folder.resolve("dovecot-sql.conf.ext"), "}",
                "userdb {", "  driver = static", "  args = home=" + mailRoot + "/%u", "}",
                // no chroot: a Dovecot started by a normal user may not (checked as a non-root user)
                "service anvil {", "  chroot =", "}",
                "service imap-login {",
                "  chroot =",
                "  inet_listener imap {", "    address = 127.0.0.1", "    port = " + imapPort, "  }",
                "  inet_listener imaps {", "    port = 0", "  }",
                "}",
                "service lmtp {",
                "  inet_listener lmtp {", "    address = 127.0.0.1", "    port = " + lmtpPort, "  }",
                "}"));
        if (isRoot()) {
            // Mailforge runs as root here (docs/dovecot.md: in production both run as vmail): its folders
            // are root's with mode 0750, so the mail user passes through them as a member of root's
            // group, and the SQLite database's readers run as root
            conf.addAll(List.of("mail_access_groups = root", "service auth-worker {", "  user = root", "}"));
        } else {
            String me = System.getProperty("user.name");
            conf.addAll(List.of("default_login_user = " + me, "default_internal_user = " + me,
                    "default_internal_group = " + primaryGroup(me)));
        }
        conf.addAll(more);
        Files.write(folder.resolve("dovecot.conf"), conf);
        Process process = new ProcessBuilder(program, "-F", "-c", folder.resolve("dovecot.conf").toString())
                .redirectErrorStream(true).redirectOutput(folder.resolve("dovecot.out").toFile()).start();
        Dovecot dovecot = new Dovecot(folder, baseDir, process);
        Runtime.getRuntime().addShutdownHook(new Thread(dovecot::close));
        try {
            TestServer.await(() -> !process.isAlive() || TestServer.accepts(TestServer.HOST, imapPort)
                    && (lmtpPort == 0 || TestServer.accepts(TestServer.HOST, lmtpPort)), Duration.ofSeconds(30), "Dovecot listens");
            if (!process.isAlive()) {
                throw new AssertionError("Dovecot did not start: " + dovecot.log());
            }
        } catch (AssertionError | RuntimeException e) {
            dovecot.close();
            throw e;
        }
        return dovecot;
    }

    /** Hands a folder to the mail user, as if Mailforge ran as that user (docs/dovecot.md: both run as vmail). */
    static void giveToMailUser(Path root) throws IOException {
        if (!isRoot()) {
            return; // already the tests' own
        }
        UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
        var owner = users.lookupPrincipalByName(MAIL_USER);
        var group = users.lookupPrincipalByGroupName(primaryGroup(MAIL_USER));
        try (var paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                Files.setOwner(path, owner);
                Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
            }
        }
    }

    /** What Dovecot logged, for failure messages. */
    String log() {
        StringBuilder text = new StringBuilder();
        for (String file : List.of("dovecot.out", "dovecot.log")) {
            try {
                text.append(Files.readString(folder.resolve(file)));
            } catch (IOException e) {
                text.append("(no ").append(file).append(")");
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            ExtraServer.deleteTree(baseDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a socket folder left in /tmp; the next start deletes it
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String primaryGroup(String user) throws IOException {
        try {
            Process id = new ProcessBuilder("id", "-gn", user).redirectErrorStream(true).start();
            String group = new String(id.getInputStream().readAllBytes()).strip();
            if (id.waitFor() != 0) {
                throw new IOException("id -gn " + user + ": " + group);
            }
            return group;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
