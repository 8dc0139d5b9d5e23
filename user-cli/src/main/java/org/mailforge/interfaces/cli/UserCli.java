package org.mailforge.interfaces.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.mailforge.application.users.UserService;
import org.mailforge.domain.user.User;
import org.mailforge.domain.user.UserValidation;
import org.mailforge.infrastructure.security.PasswordHasher;
import org.mailforge.infrastructure.storage.MessageEncryption;

/**
 * {@code user-cli}: the specification's user management commands, with its exact output. Errors
 * go to standard error with exit status 1 (2 for usage mistakes). A password argument of
 * {@code -} is read from standard input instead, to keep it out of the process list.
 */
public final class UserCli {

    static final String USAGE = String.join("\n",
            "Usage: user-cli <command> [arguments]",
            "  create <username> <email> <password> [--quota MB] [--admin]",
            "  list [--limit N]",
            "  update-password <username> <new_password>",
            "  set-quota <username> <quota_mb>",
            "  delete <username> [--mailbox-removed]   (with SMTP_STORAGE_TYPE=lmtp: once its mailbox is gone from Dovecot)",
            "  verify <username> <password>",
            "  info <username>",
            "  decrypt <file>      (an encrypted timeseries message, key in SMTP_STORAGE_ENCRYPTION_KEY)",
            "  domain list | domain add <name> | domain remove <name>",
            "  alias list | alias add <address> <target> [<target>...] | alias remove <address>",
            "                      (*@domain is the domain's catch-all)",
            "A password of '-' is read from standard input.",
            "Database: SMTP_DB_URL (JDBC URL) or SMTP_DB_PATH (SQLite file, default smtp.db),",
            "SMTP_DB_USER, SMTP_DB_PASSWORD. Mail storage (for delete): SMTP_STORAGE_TYPE, SMTP_STORAGE_PATH, SMTP_S3_*.");

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Function<String, String> env;

    UserCli(PrintStream out, PrintStream err, InputStream in, Function<String, String> env) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
    }

    /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
    private static final java.util.logging.Logger MIGRATION_LOG = java.util.logging.Logger.getLogger("org.flywaydb");
    /** The directory warns the server's log about an unset SRS secret; the commands here forward nothing. */
    private static final java.util.logging.Logger DIRECTORY_LOG = java.util.logging.Logger.getLogger(
            org.mailforge.application.directory.MailDirectory.class.getName());

    public static void main(String[] args) {
        // the migration library reports every run; only problems belong on a terminal
        MIGRATION_LOG.setLevel(java.util.logging.Level.WARNING);
        DIRECTORY_LOG.setLevel(java.util.logging.Level.SEVERE);
        System.exit(new UserCli(System.out, System.err, System.in, System::getenv).run(args));
    }

    /** Usage mistakes: the message and the usage go to standard error, exit status 2. */
    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            checkUsage(args);
        } catch (UsageException e) {
            err.println("Error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (args[0].equals("decrypt")) {
            return decrypt(Path.of(args[1]));
        }
        try (CliDatabase db = new CliDatabase(env)) {
            if (args[0].equals("domain") || args[0].equals("alias")) {
                return directory(db, args);
            }
            org.mailforge.domain.mail.MailStore mail = mailStore(db);
            try {
                UserService users = new UserService(new org.mailforge.infrastructure.persistence.JpaUserRepository(db), new PasswordHasher(), mail);
                if (args[0].equals("delete") && mailRefusal != null) {
                    err.println("Error: " + mailRefusal); // before anything is deleted
                    return 1;
                }
                return execute(users, args);
            } finally {
                if (mail instanceof AutoCloseable connection) { // the S3 client's connection pool
                    connection.close();
                }
            }
        } catch (Exception e) {
            // validation, duplicates, unknown users, an unreachable database: one line, no stack trace
            err.println("Error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            if (env.apply("USER_CLI_DEBUG") != null) {
                e.printStackTrace(err);
            }
        }
        return 1;
    }

    /**
     * The server's own store for SMTP_STORAGE_TYPE, so that deleting a user removes its mail as the
     * server would, whatever the backend: maildir, mbox and time-series files, database rows (with
     * their full-text index) or S3 objects.
     */
    private org.mailforge.domain.mail.MailStore mailStore(CliDatabase db) {
        String why;
        try {
            org.mailforge.application.config.ServerConfiguration configuration =
                    org.mailforge.application.config.ServerConfiguration.load(name -> java.util.Optional.ofNullable(env.apply(name)));
            // the server's own choice (with lmtp, Dovecot keeps the mail: deleting a user says so and leaves it there)
            return org.mailforge.infrastructure.storage.MailStoreProducer.create(configuration, db);
        } catch (RuntimeException e) { // a setting the server would refuse too: the commands without mail still work
            why = e.getMessage();
        }
        String reason = why;
        mailRefusal = reason;
        return new org.mailforge.infrastructure.storage.UnavailableMailStore(reason);
    }

    /** Why this configuration's mail cannot be handled from here, or null when it can. */
    private String mailRefusal;

    private static void checkUsage(String[] args) throws UsageException {
        int expected = switch (args[0]) {
            case "create" -> 4;
            case "list" -> 1;
            case "update-password", "set-quota", "verify" -> 3;
            case "delete", "info", "decrypt" -> 2;
            case "domain", "alias" -> {
                String sub = args.length > 1 ? args[1] : "";
                int n = switch (sub) {
                    case "list" -> 2;
                    case "remove" -> 3;
                    case "add" -> args[0].equals("domain") ? 3 : Math.max(4, args.length);
                    default -> throw new UsageException(args[0] + " takes list, add or remove");
                };
                yield n;
            }
            default -> throw new UsageException("unknown command '" + args[0] + "'");
        };
        List<String> positional = positional(args);
        if (positional.size() != expected) {
            throw new UsageException(args[0] + " takes " + (expected - 1) + " argument(s)");
        }
    }

    /** Arguments without the options (and their values). */
    private static List<String> positional(String[] args) {
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quota") || args[i].equals("--limit")) {
                i++;
            } else if (!args[i].equals("--admin") && !args[i].equals("--mailbox-removed")) {
                positional.add(args[i]);
            }
        }
        return positional;
    }

    private static String option(String[] args, String name) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return null;
    }

    private int execute(UserService users, String[] args) throws IOException {
        List<String> a = positional(args);
        switch (args[0]) {
            case "create" -> {
                String quota = option(args, "--quota");
                User user = users.create(a.get(1), a.get(2), password(a.get(3)), quota == null ? null : number("--quota", quota),
                        List.of(args).contains("--admin"));
                out.println("User created successfully:");
                out.println("  Username: " + user.getUsername());
                out.println("  Email: " + user.getEmail());
                out.println("  ID: " + user.getId());
            }
            case "list" -> {
                String limit = option(args, "--limit");
                int max = limit == null ? 100 : (int) Math.min(Math.max(number("--limit", limit), 1), 1000);
                out.println("Users:");
                for (User user : users.list(null, 0, max)) {
                    out.println("  " + user.getId() + ". " + user.getUsername() + " (" + user.getEmail() + ") - Created: "
                            + DAY.format(user.getCreatedAt()));
                }
                out.println("Total: " + users.count());
            }
            case "update-password" -> {
                User user = existing(users, a.get(1));
                users.update(user, new UserService.Changes(null, null, null, null, password(a.get(2))));
                out.println("Password updated successfully for user: " + user.getUsername());
            }
            case "set-quota" -> {
                User user = existing(users, a.get(1));
                long quota = number("quota_mb", a.get(2));
                users.update(user, new UserService.Changes(null, quota, null, null, null));
                out.println("Quota set to " + quota + " MB for user: " + user.getUsername());
            }
            case "delete" -> {
                User user = existing(users, a.get(1));
                users.delete(user, List.of(args).contains("--mailbox-removed"));
                out.println("User deleted successfully: " + user.getUsername());
            }
            case "verify" -> {
                User user = users.find(a.get(1)).orElse(null);
                if (user == null || !users.verifyPassword(user, password(a.get(2)))) {
                    err.println("Authentication failed for user: " + a.get(1));
                    return 1;
                }
                out.println("Authentication successful for user: " + user.getUsername());
            }
            case "info" -> {
                User user = existing(users, a.get(1));
                out.println("User Information:");
                out.println("  Username: " + user.getUsername());
                out.println("  Email: " + user.getEmail());
                out.println("  ID: " + user.getId());
                out.println("  Created: " + TIME.format(user.getCreatedAt()));
                out.println("  Last Login: " + (user.getLastLogin() == null ? "Never" : TIME.format(user.getLastLogin())));
                out.println("  Quota: " + (user.getQuotaMb() == 0 ? "Unlimited" : user.getQuotaMb() + " MB"));
                String share = user.getQuotaMb() == 0 ? ""
                        : String.format(" (%.1f%%)", user.usedMb() * 100.0 / user.getQuotaMb());
                out.println("  Used: " + user.usedMb() + " MB" + share);
                out.println("  Status: " + (user.isEnabled() ? "Enabled" : "Disabled"));
            }
            default -> throw new IllegalStateException(args[0]);
        }
        return 0;
    }

    /** {@code domain ...} and {@code alias ...}: the rules of the API (DirectoryService) on the database directly. */
    private int directory(CliDatabase db, String[] args) {
        org.mailforge.application.config.ServerConfiguration configuration =
                org.mailforge.application.config.ServerConfiguration.load(name -> java.util.Optional.ofNullable(env.apply(name)));
        var users = new org.mailforge.infrastructure.persistence.JpaUserRepository(db);
        var repository = new org.mailforge.infrastructure.persistence.JpaDirectoryRepository(db);
        org.mailforge.application.directory.DirectoryService directory = new org.mailforge.application.directory.DirectoryService(
                repository, users, new org.mailforge.application.directory.MailDirectory(repository, users, configuration));
        switch (args[0] + " " + args[1]) {
            case "domain list" -> {
                out.println("Domains:");
                for (var domain : directory.domains()) {
                    out.println("  " + domain.name() + (domain.configured() ? " (configured)" : "") + " - users: " + domain.users()
                            + ", aliases: " + domain.aliases());
                }
            }
            case "domain add" -> out.println("Domain added: " + directory.addDomain(args[2]).name());
            case "domain remove" -> {
                if (!directory.removeDomain(args[2])) {
                    throw new IllegalArgumentException("not a local domain: " + args[2]);
                }
                out.println("Domain removed: " + args[2]);
            }
            case "alias list" -> {
                out.println("Aliases:");
                for (var alias : directory.aliases()) {
                    out.println("  " + alias.getAddress() + " -> " + String.join(", ", alias.getTargets()));
                }
            }
            case "alias add" -> {
                var alias = directory.saveAlias(args[2], List.of(args).subList(3, args.length), true);
                out.println("Alias added: " + alias.getAddress() + " -> " + String.join(", ", alias.getTargets()));
            }
            case "alias remove" -> {
                if (!directory.removeAlias(args[2])) {
                    throw new IllegalArgumentException("no such alias: " + args[2]);
                }
                out.println("Alias removed: " + args[2]);
            }
            default -> throw new IllegalStateException(args[0] + " " + args[1]);
        }
        return 0;
    }

    /** Writes the plaintext of one encrypted stored message to standard output. */
    private int decrypt(Path file) {
        String key = new org.mailforge.smtp.settings.SettingsReader(name -> java.util.Optional.ofNullable(env.apply(name)))
                .text(org.mailforge.smtp.settings.StorageSetting.STORAGE_ENCRYPTION_KEY);
        if (key == null) {
            err.println("Error: set SMTP_STORAGE_ENCRYPTION_KEY to the key the server stores with");
            return 1;
        }
        try {
            out.write(new MessageEncryption(key).decrypt(java.nio.file.Files.readAllBytes(file)));
            out.flush();
            return 0;
        } catch (IOException | java.security.GeneralSecurityException | IllegalArgumentException e) {
            err.println("Error: cannot decrypt " + file + ": " + (e.getMessage() != null ? e.getMessage() : e));
            return 1;
        }
    }

    private static User existing(UserService users, String username) {
        return users.find(username).orElseThrow(() -> new IllegalArgumentException("user not found: " + username));
    }

    private char[] password(String argument) throws IOException {
        if (!argument.equals("-")) {
            return argument.toCharArray();
        }
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            throw new IllegalArgumentException("no password on standard input");
        }
        return line.toCharArray();
    }

    private static long number(String name, String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new UserValidation.InvalidFieldException(name, name + " must be a whole number (was '" + value + "')");
        }
    }
}
