package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailforge.application.config.LmtpConfiguration;
import org.mailforge.infrastructure.storage.LmtpMailStore;
import org.mailforge.infrastructure.storage.MaildirStore;
import org.mailforge.smtp.spi.MessageContent;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Reading mail with Dovecot (docs/dovecot.md), judged by Jakarta Mail's IMAP client: one
 * password for SMTP AUTH, the API and IMAP, because Dovecot checks IMAP logins against
 * Mailforge's users table with Mailforge's own Argon2id PHC strings.
 * <ul>
 * <li>maildir: the main test server (SQLite) writes the mailbox, Dovecot serves it as it is, and
 * the Maildir++ {@code .Junk} folder shows as {@code Junk};</li>
 * <li>lmtp: a server on PostgreSQL hands mail to Dovecot's LMTP; Dovecot's refusal of a recipient
 * reaches the SMTP client for that recipient only, and a stopped Dovecot means {@code 451}.</li>
 * </ul>
 */
class DovecotIT {

    private static final int IMAP_MAILDIR = TestPorts.port(2943);
    private static final int IMAP_LMTP = TestPorts.port(2944);
    private static final int IMAP_POLICY = TestPorts.port(2945);
    private static final int LMTP_PORT = TestPorts.port(2924);
    private static final int SMTP_PORT = TestPorts.port(2925);
    private static final int HTTP_PORT = TestPorts.port(2980);
    private static final String PASSWORD = "Imap-And-Smtp-1";

    private static EmbeddedPostgres postgres;
    private static ExtraServer lmtpServer;

    @BeforeAll
    static void requireDovecot() throws Exception {
        Dovecot.requireInstalled();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (lmtpServer != null) {
                lmtpServer.stop();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    void maildirMailIsReadOverImapWithTheSmtpPasswordAndJunkShowsAsJunk() throws Exception {
        String email = TestServer.uniqueMailbox("example.test");
        String username = TestServer.createUser(email, PASSWORD);
        String subject = "read over IMAP " + System.nanoTime();
        assertTrue(SmtpConnection.deliver(TestServer.SMTP_PORT, "sender@remote.test", email,
                "Subject: " + subject + "\r\n\r\nfrom Mailforge's maildir\r\n").startsWith("250 "));
        // the spam folder as content screening writes it, with the server's own store
        new MaildirStore(TestServer.MAIL).store(email, org.mailforge.domain.mail.Folder.JUNK, "spammer@remote.test",
                MessageContent.of("Subject: junk\r\n\r\nspam\r\n".getBytes(StandardCharsets.US_ASCII)));
        Dovecot.giveToMailUser(TestServer.MAIL.resolve(email));

        Path folder = TestServer.DATA.resolveSibling("it-dovecot-maildir");
        try (Dovecot dovecot = Dovecot.start(folder, IMAP_MAILDIR, 0, TestServer.MAIL,
                List.of("driver = sqlite", "connect = " + TestServer.DATA.resolve("smtp.db").toAbsolutePath()))) {
            try (Store imap = imap(IMAP_MAILDIR, username, PASSWORD)) {
                List<String> folders = Arrays.stream(imap.getDefaultFolder().list("*")).map(Folder::getFullName).toList();
                assertTrue(folders.containsAll(List.of("INBOX", "Junk")), folders + "\n" + dovecot.log());
                assertEquals(List.of(subject), subjects(imap, "INBOX"));
                Message read = open(imap, "INBOX").getMessage(1);
                assertTrue(new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("from Mailforge's maildir"));
                assertTrue(read.getHeader("Received")[0].startsWith("from client.example"), "our trace header, as stored");
                assertEquals(List.of("junk"), subjects(imap, "Junk"));
            }
            try (Store byEmail = imap(IMAP_MAILDIR, email.toUpperCase(java.util.Locale.ROOT), PASSWORD)) {
                assertEquals(List.of(subject), subjects(byEmail, "INBOX"), "the email address is a login too, in any case");
            }
            assertThrows(AuthenticationFailedException.class, () -> imap(IMAP_MAILDIR, username, PASSWORD + "x").close());
            assertEquals(200, TestServer.asAdmin("PUT", "/api/users/" + username, "{\"enabled\":false}").statusCode());
            assertThrows(AuthenticationFailedException.class, () -> imap(IMAP_MAILDIR, username, PASSWORD).close(),
                    "a user disabled through the API cannot log in to IMAP either");
        }
    }

    /**
     * Dovecot asks Mailforge before it checks an IMAP password and reports the outcome after
     * (its auth policy, docs/dovecot.md): IMAP guesses spend the budgets SMTP and the API spend,
     * and a blocked address or account gets no further try, the right password included.
     */
    @Test
    void imapLoginsPassMailforgesBudgets() throws Exception {
        String email = TestServer.uniqueMailbox("example.test");
        String username = TestServer.createUser(email, PASSWORD);
        Path folder = TestServer.DATA.resolveSibling("it-dovecot-policy");
        try (Dovecot dovecot = Dovecot.start(folder, IMAP_POLICY, 0, TestServer.MAIL,
                List.of("driver = sqlite", "connect = " + TestServer.DATA.resolve("smtp.db").toAbsolutePath()), List.of(
                        "auth_policy_server_url = http://" + TestServer.HOST + ":" + TestServer.HTTP_PORT + "/api/dovecot/policy",
                        "auth_policy_server_api_header = X-Mailforge-Policy: dovecot-policy-secret-for-tests",
                        "auth_policy_hash_nonce = " + java.util.UUID.randomUUID(),
                        "auth_policy_request_attributes = login=%{requested_username} remote=%{rip}",
                        "auth_policy_check_before_auth = yes",
                        "auth_policy_check_after_auth = no",
                        "auth_policy_report_after_auth = yes"))) {
            for (int i = 0; i < 5; i++) {
                assertThrows(AuthenticationFailedException.class, () -> imap(IMAP_POLICY, username, "wrong-guess", "127.0.0.31").close());
            }
            assertThrows(AuthenticationFailedException.class, () -> imap(IMAP_POLICY, username, PASSWORD, "127.0.0.31").close(),
                    "five failures: the address is blocked, the right password included\n" + dovecot.log());
            assertEquals(429, TestServer.rawGet(TestServer.HTTP_PORT, "127.0.0.31", "/api/users/" + username, username, PASSWORD, "")
                    .status(), "one budget for IMAP and the API");
            try (Store other = imap(IMAP_POLICY, username, PASSWORD, "127.0.0.32")) {
                assertTrue(other.isConnected(), "another address logs in");
            }
        }
        var refused = TestServer.api("POST", "/api/dovecot/policy?command=allow", "{\"login\":\"x\",\"remote\":\"127.0.0.40\"}", null, null);
        assertEquals(403, refused.statusCode(), "without the secret nobody asks: " + refused.body());
    }

    private static final String POLICY_SECRET = "dovecot-policy-secret-for-tests";

    /** One of Dovecot's questions, as Dovecot asks it: status 0 goes on, -1 refuses. */
    private static HttpResponse<String> policy(String command, String body) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://" + TestServer.HOST + ":" + TestServer.HTTP_PORT + "/api/dovecot/policy?command=" + command))
                .header("X-Mailforge-Policy", POLICY_SECRET).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Twenty IMAP logins asked about at once from one address: a unit of its budget is taken with
     * each answer, so five go on and fifteen are refused, however they interleave; a right password
     * gives its unit back. Hostile bodies get 400, never a 500.
     */
    @Test
    void thePolicyTakesAUnitPerQuestionAndRefusesWhatIsNotAnObject() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> policy("allow", "{\"login\":\"nobody-" + System.nanoTime()
                        + "\",\"remote\":\"192.0.2.77\"}").body()));
            }
            int allowed = 0;
            for (java.util.concurrent.Future<String> answer : answers) {
                allowed += answer.get(60, java.util.concurrent.TimeUnit.SECONDS).contains("\"status\":0") ? 1 : 0;
            }
            assertEquals(5, allowed, "five go on, fifteen are refused");
        } finally {
            pool.shutdownNow();
        }
        assertTrue(policy("report", "{\"login\":\"x\",\"remote\":\"192.0.2.77\",\"success\":true}").body().contains("\"status\":0"));
        assertTrue(policy("allow", "{\"login\":\"y\",\"remote\":\"192.0.2.77\"}").body().contains("\"status\":0"),
                "a right password gave its unit back");
        assertEquals(400, policy("allow", "[]").statusCode(), "an array is no question");
        assertEquals(400, policy("allow", "{\"login\":\"" + "x".repeat(20_000) + "\"}").statusCode(), "nor is a huge one");
    }

    @Test
    void lmtpDeliveryIsReadOverImapAndDovecotRefusesPerRecipient() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Path data = TestServer.DATA.resolveSibling("it-data-lmtp");
        ExtraServer.deleteTree(data);
        Path dovecotMail = data.resolve("dovecot-mail");
        Files.createDirectories(dovecotMail);
        Dovecot.giveToMailUser(dovecotMail);
        String jdbc = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
        lmtpServer = new ExtraServer("mailforgeLmtp", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_DB_URL=" + jdbc, "SMTP_DB_USER=postgres", "SMTP_DB_PASSWORD=postgres",
                "SMTP_ENABLE_AUTH=false", // an MX
                "SMTP_STORAGE_TYPE=lmtp", "SMTP_LMTP_HOST=127.0.0.1", "SMTP_LMTP_PORT=" + LMTP_PORT,
                // Mailforge takes every address of its domains: here Dovecot alone says who exists
                "SMTP_REJECT_UNKNOWN_RECIPIENTS=false",
                "SMTP_ADMIN_USERNAME=lmtpadmin", "SMTP_ADMIN_PASSWORD=lmtp-admin-password"));
        lmtpServer.start();
        assertEquals(201, TestServer.api(HTTP_PORT, "POST", "/api/users", "{\"username\":\"carol\",\"email\":\"carol@example.test\","
                + "\"password\":\"" + PASSWORD + "\",\"quota_mb\":50}", "lmtpadmin", "lmtp-admin-password").statusCode());

        Path folder = TestServer.DATA.resolveSibling("it-dovecot-lmtp");
        String subject = "through LMTP " + System.nanoTime();
        try (Dovecot dovecot = Dovecot.start(folder, IMAP_LMTP, LMTP_PORT, dovecotMail, List.of("driver = pgsql",
                "connect = host=127.0.0.1 port=" + postgres.getPort() + " dbname=postgres user=postgres password=postgres"))) {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
                smtp.reply();
                smtp.command("EHLO client.example");
                assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<sender@remote.test>"));
                assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<Carol@example.test>"));
                String refused = smtp.command("RCPT TO:<ghost@example.test>");
                assertTrue(refused.startsWith("550 5.1.1 ") && refused.contains("ghost@example.test"),
                        "Dovecot's refusal, for this recipient only: " + refused + "\n" + dovecot.log());
                assertEquals("354 End data with <CR><LF>.<CR><LF>", smtp.command("DATA"));
                smtp.send("Subject: " + subject + "\r\n\r\nhanded to Dovecot\r\n.\r\n");
                String accepted = smtp.reply();
                assertTrue(accepted.startsWith("250 2.0.0 "), accepted + "\n" + dovecot.log());
            }
            // stored by our LMTP store as content screening files spam: Dovecot puts +Junk into Junk
            new LmtpMailStore(new LmtpConfiguration("127.0.0.1", LMTP_PORT), "it.example").store("carol@example.test",
                    org.mailforge.domain.mail.Folder.JUNK, "spammer@remote.test",
                    MessageContent.of("Subject: junk via lmtp\r\n\r\nspam\r\n".getBytes(StandardCharsets.US_ASCII)));

            try (Store imap = imap(IMAP_LMTP, "carol", PASSWORD)) {
                assertEquals(List.of(subject), subjects(imap, "INBOX"), dovecot.log());
                Message read = open(imap, "INBOX").getMessage(1);
                assertEquals("<sender@remote.test>", read.getHeader("Return-Path")[0]);
                assertTrue(read.getHeader("Received").length >= 2, "Dovecot's trace header above ours");
                assertEquals(List.of("junk via lmtp"), subjects(imap, "Junk"));
            }

            var user = jakarta.json.Json.createReader(new java.io.StringReader(TestServer.api(HTTP_PORT, "GET", "/api/users/carol", null,
                    "lmtpadmin", "lmtp-admin-password").body())).readObject();
            assertEquals(1, user.getJsonObject("statistics").getInt("messages_received"), "the index counts what Dovecot took");

            dovecot.close();
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
                smtp.reply();
                smtp.command("EHLO client.example");
                smtp.command("MAIL FROM:<sender@remote.test>");
                String deferred = smtp.command("RCPT TO:<carol@example.test>");
                assertTrue(deferred.startsWith("451 4.4.0 "), "no Dovecot, no acceptance: " + deferred);
            }
            TestServer.await(() -> readiness().contains("LMTP storage unavailable"), Duration.ofSeconds(30),
                    "readiness names the LMTP store");
        }
        // Dovecot keeps carol's mail under her address: her next owner would read it there, so her
        // account goes only once the operator says the mailbox is gone, and her address does not move
        var renamed = TestServer.api(HTTP_PORT, "PUT", "/api/users/carol", "{\"email\":\"carol2@example.test\"}", "lmtpadmin",
                "lmtp-admin-password");
        assertEquals(409, renamed.statusCode(), renamed.body());
        var refused = TestServer.api(HTTP_PORT, "DELETE", "/api/users/carol", null, "lmtpadmin", "lmtp-admin-password");
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("mailbox_removed"), refused.body());
        assertEquals(200, TestServer.api(HTTP_PORT, "GET", "/api/users/carol", null, "lmtpadmin", "lmtp-admin-password").statusCode(),
                "carol is still there");
        assertEquals(200, TestServer.api(HTTP_PORT, "DELETE", "/api/users/carol?mailbox_removed=true", null, "lmtpadmin",
                "lmtp-admin-password").statusCode());
    }

    private static String readiness() {
        try {
            return TestServer.get(HTTP_PORT, "/health").body();
        } catch (Exception e) {
            return "";
        }
    }

    private static Store imap(int port, String user, String password) throws Exception {
        return imap(port, user, password, null);
    }

    /** An IMAP login from a chosen loopback address (null: the default). */
    private static Store imap(int port, String user, String password, String from) throws Exception {
        Properties properties = new Properties();
        if (from != null) {
            properties.put("mail.imap.localaddress", from);
        }
        properties.put("mail.imap.host", TestServer.HOST);
        properties.put("mail.imap.port", String.valueOf(port));
        properties.put("mail.imap.connectiontimeout", "10000");
        properties.put("mail.imap.timeout", "30000");
        Store store = Session.getInstance(properties).getStore("imap");
        store.connect(user, password);
        return store;
    }

    private static Folder open(Store store, String name) throws Exception {
        Folder folder = store.getFolder(name);
        folder.open(Folder.READ_ONLY);
        return folder;
    }

    private static List<String> subjects(Store store, String folder) throws Exception {
        Folder open = open(store, folder);
        try {
            return Arrays.stream(open.getMessages()).map(message -> {
                try {
                    return message.getSubject();
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        } finally {
            open.close(false);
        }
    }
}
