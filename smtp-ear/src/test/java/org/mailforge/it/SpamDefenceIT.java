package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MX's defence before DATA against the real server: the early-talker test, weighted DNS
 * block and allow lists answered by dnsmasq, greylisting, and rspamd (Debian's, with its
 * packaged rules) as the spam scanner. Each test connects from its own loopback address
 * (127.0.0.2 and up); 127.0.0.1 is exempt, as a trusted relay would be.
 */
class SpamDefenceIT {

    private static final int SMTP_PORT = TestPorts.port(3125);
    private static final int HTTP_PORT = TestPorts.port(3180);
    private static final int DNS_PORT = TestPorts.port(3153);
    private static final int GREYLIST_DELAY_SECONDS = 4;
    private static final String ADMIN_PASSWORD = "spam-defence-admin";
    private static final String PASSWORD = "a user's password 1";

    private static ExtraServer server;
    private static Dnsmasq dns;
    private static Rspamd rspamd;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        Path folder = TestServer.DATA.resolveSibling("it-spam-defence");
        ExtraServer.deleteTree(folder);
        Files.createDirectories(folder);
        // 127.0.0.4: bl.test (2) + zen.test (1) = 3, refused; 127.0.0.5: bl.test alone, 2, greeted;
        // 127.0.0.10: both and the allow-list (-2) = 1, greeted; 127.0.0.6: zen.test and the allow-list, -1: allow-listed
        dns = new Dnsmasq(DNS_PORT, folder.resolve("dnsmasq.log"), List.of("test"), List.of(
                "4.0.0.127.bl.test,127.0.0.2", "4.0.0.127.zen.test,127.0.0.10",
                "5.0.0.127.bl.test,127.0.0.2", "5.0.0.127.wl.test,127.0.9.0", // dnswl's "no trust" (last octet 0): not counted
                "10.0.0.127.bl.test,127.0.0.2", "10.0.0.127.zen.test,127.0.0.4", "10.0.0.127.wl.test,127.0.9.2",
                "6.0.0.127.zen.test,127.0.0.4", "6.0.0.127.wl.test,127.0.9.2"));
        rspamd = new Rspamd(folder.resolve("rspamd"), TestPorts.port(3133), TestPorts.port(3134), TestPorts.port(3132),
                TestPorts.port(3179), dns.address());
        data = folder.resolve("server");
        server = new ExtraServer("mailforgeSpamDefence", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ENABLE_AUTH=false",
                "SMTP_DNS_SERVER=" + dns.address(),
                "SMTP_DNSBL_ZONES=bl.test*2, zen.test, wl.test=127.0.[0..255].[1..3]*-2",
                "SMTP_DNSBL_THRESHOLD=3",
                "SMTP_PREGREET_MILLIS=600",
                "SMTP_GREYLISTING=true",
                "SMTP_GREYLIST_DELAY_SECONDS=" + GREYLIST_DELAY_SECONDS,
                "SMTP_SCREENING_EXEMPT=127.0.0.1/32",
                "SMTP_RSPAMD_URL=" + rspamd.url(),
                "SMTP_RSPAMD_CONTROLLER_URL=" + rspamd.controllerUrl(),
                "SMTP_STORAGE_TYPE=database", // reports name messages by their id in the database store
                "SMTP_ADMIN_PASSWORD=" + ADMIN_PASSWORD));
        CompletableFuture<Void> scanner = CompletableFuture.runAsync(() -> {
            try {
                rspamd.awaitReady();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        server.start();
        scanner.join();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (rspamd != null) {
            rspamd.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static double screening(String test, String outcome) throws Exception {
        return TestServer.metric(HTTP_PORT + 1, TestServer.series("smtp_screening_total", "test", test, "outcome", outcome));
    }

    private static double screeningOrZero(String test, String outcome) throws Exception {
        try {
            return screening(test, outcome);
        } catch (AssertionError none) {
            return 0; // the series exists from its first count on
        }
    }

    @Test
    void aClientThatTalksBeforeTheGreetingIsRefused() throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.2")) {
            smtp.send("EHLO bot.example\r\nMAIL FROM:<a@bot.example>\r\n"); // at once, as spam software does
            String reply = smtp.reply();
            assertTrue(reply.startsWith("554 5.5.1 "), reply);
            assertNull(smtp.replyOrEnd(), "the connection is closed");
        }
        assertTrue(screening("pregreet", "refused") >= 1);
    }

    @Test
    void aClientThatWaitsIsGreetedAndRememberedSoItIsNotHeldAgain() throws Exception {
        double passed = screeningOrZero("pregreet", "passed");
        for (int connection = 0; connection < 2; connection++) {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.3")) {
                assertTrue(smtp.reply().startsWith("220 "));
                assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
            }
        }
        assertEquals(passed + 1, screening("pregreet", "passed"), "tested once: the second connection was greeted at once");
    }

    @Test
    void aClientWhoseListingsReachTheThresholdIsRefusedInTheGreetingNamingTheLists() throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.4")) {
            assertEquals("554 5.7.1 Service unavailable; client [127.0.0.4] blocked using bl.test, zen.test", smtp.reply());
            assertEquals("503 5.5.1 Error: this connection was refused, send QUIT", smtp.command("EHLO bot.example"));
            assertEquals("221 2.0.0 Bye", smtp.command("QUIT"));
        }
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.5")) {
            assertTrue(smtp.reply().startsWith("220 "), "below the threshold (2 of 3): greeted");
        }
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.10")) {
            assertTrue(smtp.reply().startsWith("220 "), "3 of 3, but the allow-list takes 2 off: greeted");
        }
        assertTrue(screening("dnsbl", "refused") >= 1);
    }

    @Test
    void anAllowListedClientIsNeitherHeldNorGreylisted() throws Exception {
        double held = screeningOrZero("pregreet", "passed") + screeningOrZero("pregreet", "refused");
        String recipient = "allowed" + System.nanoTime() + "@example.test";
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.6")) {
            assertTrue(smtp.reply().startsWith("220 "));
            smtp.command("EHLO mta.partner.test");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<news@partner.test>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + recipient + ">"), "not greylisted");
            smtp.command("DATA");
            assertTrue(smtp.command("Subject: hello\r\n\r\nHello from a partner.\r\n.").startsWith("250 "));
        }
        assertEquals(held, screeningOrZero("pregreet", "passed") + screeningOrZero("pregreet", "refused"), "never held back");
    }

    @Test
    void aNewTripletIsDeferredAndItsRetryAfterTheDelayTaken() throws Exception {
        String recipient = "grey" + System.nanoTime() + "@example.test";
        assertTrue(rcpt("127.0.0.7", "a@sender.test", recipient).startsWith("451 4.7.1 Greylisted"));
        String early = rcpt("127.0.0.7", "a@sender.test", recipient);
        assertTrue(early.startsWith("451 4.7.1 ") || early.startsWith("250 "), early); // 250 only on a machine slower than the delay
        long deadline = System.nanoTime() + Duration.ofSeconds(GREYLIST_DELAY_SECONDS + 30).toNanos();
        String reply;
        do {
            Thread.sleep(500);
            reply = rcpt("127.0.0.8", "a@sender.test", recipient); // another address of the same /24: the same triplet
        } while (!reply.startsWith("250 ") && System.nanoTime() < deadline);
        assertEquals("250 2.1.5 Ok", reply);
        assertTrue(rcpt("127.0.0.7", "other@sender.test", recipient).startsWith("451 4.7.1 "), "another sender is another triplet");
        assertTrue(screening("greylist", "passed") >= 1);
    }

    /** One transaction up to RCPT from {@code client}: the reply to RCPT. */
    private static String rcpt(String client, String sender, String recipient) throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, client)) {
            assertTrue(smtp.reply().startsWith("220 "));
            smtp.command("EHLO mta.sender.test");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<" + sender + ">"));
            String reply = smtp.command("RCPT TO:<" + recipient + ">");
            smtp.command("QUIT");
            return reply;
        }
    }

    @Test
    void rspamdRefusesGtubeAndTagsWhatItTakes() throws Exception {
        String recipient = "scanned" + System.nanoTime() + "@example.test";
        assertEquals("554 5.7.1 Error: message refused as spam", SmtpConnection.deliver(SMTP_PORT, "news@sender.test", recipient,
                "Subject: test\r\n\r\n" + ScanningDaemons.GTUBE + "\r\n"));
        assertTrue(SmtpConnection.deliver(SMTP_PORT, "news@sender.test", recipient, "From: Sender News <news@sender.test>\r\n"
                + "To: <" + recipient + ">\r\nSubject: minutes\r\nDate: Sun, 06 Dec 2026 08:00:00 +0000\r\n"
                + "Message-ID: <minutes." + System.nanoTime() + "@sender.test>\r\n\r\n"
                + "The minutes of Tuesday's meeting are attached.\r\n").startsWith("250 "));
        List<String> stored = stored(recipient);
        assertEquals(1, stored.size(), "only the clean message is stored");
        assertTrue(stored.get(0).contains("X-Spam-Status: No, score="), stored.get(0));
    }

    /** The stored copies for a mailbox, from the server's database, in the order they came. */
    private static List<String> stored(String recipient) throws Exception {
        try (java.sql.Connection db = IndependentReaders.sqlite(data.resolve("smtp.db"));
             java.sql.PreparedStatement query = db.prepareStatement("SELECT body FROM messages WHERE \"user\" = ? ORDER BY id")) {
            query.setString(1, recipient);
            List<String> bodies = new java.util.ArrayList<>();
            try (java.sql.ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    bodies.add(new String(rows.getBytes(1), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return bodies;
        }
    }

    private static final String CAMPAIGN = "Buy cheap replica watches today, discount luxury watches shipped overnight, limited offer"
            + " for replica rolex and omega watches, click now to order your cheap watches and save big money on every luxury replica";

    private static String message(String from, String to, String subject, String body) {
        return "From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject + "\r\nDate: Sun, 06 Dec 2026 08:00:00 +0000\r\n"
                + "Message-ID: <" + System.nanoTime() + "@" + from.substring(from.indexOf('@') + 1) + ">\r\n\r\n" + body + "\r\n";
    }

    private static void createUser(String username) throws Exception {
        java.net.http.HttpResponse<String> created = TestServer.api(HTTP_PORT, "POST", "/api/users", "{\"username\":\"" + username
                + "\",\"email\":\"" + username + "@example.test\",\"password\":\"" + PASSWORD + "\"}", "admin", ADMIN_PASSWORD);
        assertEquals(201, created.statusCode(), created.body());
    }

    /** The id and folder of the user's message with this subject, from the API's listing. */
    private static jakarta.json.JsonObject listed(String username, String subject) throws Exception {
        java.net.http.HttpResponse<String> page = TestServer.api(HTTP_PORT, "GET", "/api/users/" + username + "/messages", null,
                username, PASSWORD);
        assertEquals(200, page.statusCode(), page.body());
        return jakarta.json.Json.createReader(new java.io.StringReader(page.body())).readObject().getJsonArray("messages")
                .getValuesAs(jakarta.json.JsonObject.class).stream().filter(m -> subject.equals(m.getString("subject", null)))
                .findFirst().orElseThrow(() -> new AssertionError("no message '" + subject + "' for " + username + ": " + page.body()));
    }

    private static java.net.http.HttpResponse<String> report(String caller, String owner, long id, boolean spam) throws Exception {
        return TestServer.api(HTTP_PORT, "POST", "/api/users/" + owner + "/messages/" + id + "/spam", "{\"spam\":" + spam + "}",
                caller, PASSWORD);
    }

    @Test
    void aReportedMessageTeachesRspamdAndMovesIntoJunkOnlyForItsOwner() throws Exception {
        createUser("reader");
        createUser("mallory");
        String reader = "reader@example.test";
        assertTrue(SmtpConnection.deliver(SMTP_PORT, "offers@watches.test", reader,
                message("offers@watches.test", reader, "Replica watches", CAMPAIGN)).startsWith("250 "));
        assertTrue(SmtpConnection.deliver(SMTP_PORT, "team@partner.test", reader, message("team@partner.test", reader, "Roadmap",
                "Hello team, attached are the notes from our planning meeting about the quarterly roadmap, please review the"
                        + " action items for the database migration and the release schedule before Thursday")).startsWith("250 "));
        assertTrue(stored(reader).get(0).contains("X-Spam-Status: No,"), "not spam before the report: " + stored(reader).get(0));
        assertTrue(!stored(reader).get(0).contains("BAYES_SPAM"));
        long spamId = listed("reader", "Replica watches").getJsonNumber("id").longValue();
        long hamId = listed("reader", "Roadmap").getJsonNumber("id").longValue();

        // another user can neither report it through the owner's path nor reach it through its own
        assertEquals(403, report("mallory", "reader", spamId, true).statusCode());
        assertEquals(404, report("mallory", "mallory", spamId, true).statusCode());
        assertEquals(400, TestServer.api(HTTP_PORT, "POST", "/api/users/reader/messages/" + spamId + "/spam", "{}", "reader",
                PASSWORD).statusCode());
        assertEquals("INBOX", listed("reader", "Replica watches").getString("folder"), "nothing moved");

        java.net.http.HttpResponse<String> spam = report("reader", "reader", spamId, true);
        assertEquals(200, spam.statusCode(), spam.body());
        assertEquals(200, report("reader", "reader", hamId, false).statusCode());
        assertEquals("Junk", listed("reader", "Replica watches").getString("folder"));
        assertEquals("INBOX", listed("reader", "Roadmap").getString("folder"));

        // the same campaign again: rspamd's Bayes classifier now knows it
        assertTrue(SmtpConnection.deliver(SMTP_PORT, "sales@watches.test", reader,
                message("sales@watches.test", reader, "Replica watches again", CAMPAIGN)).startsWith("250 "));
        List<String> after = stored(reader);
        assertTrue(after.get(after.size() - 1).contains("BAYES_SPAM"), "learnt: " + after.get(after.size() - 1));
    }

    /** The web UI's Messages page in Debian's Chromium: "Spam" moves a message into Junk, "Not spam" back. */
    @Test
    void theWebUisSpamButtonsMoveAMessageIntoJunkAndBack() throws Exception {
        createUser("uireader");
        String address = "uireader@example.test";
        String subject = "Quarterly figures " + System.nanoTime();
        assertTrue(SmtpConnection.deliver(SMTP_PORT, "finance@partner.test", address, message("finance@partner.test", address, subject,
                "The quarterly figures for the northern region are attached, revenue grew in every product line and the"
                        + " board meeting moves to the second week of the month")).startsWith("250 "));
        org.openqa.selenium.chrome.ChromeDriver chrome = Chromium.start();
        try {
            var wait = new org.openqa.selenium.support.ui.WebDriverWait(chrome, Duration.ofSeconds(20)).withMessage(
                    () -> "at " + chrome.getCurrentUrl() + ", showing: " + chrome.findElement(org.openqa.selenium.By.tagName("body")).getText());
            String ui = "http://" + TestServer.HOST + ":" + HTTP_PORT + "/ui/";
            chrome.get(ui + "signin.html");
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id("login")))
                    .sendKeys("uireader");
            chrome.findElement(org.openqa.selenium.By.id("password")).sendKeys(PASSWORD, org.openqa.selenium.Keys.ENTER);
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBe(org.openqa.selenium.By.cssSelector("main h1"), "Account"));
            chrome.get(ui + "#/messages");
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable(
                    org.openqa.selenium.By.cssSelector("button[aria-label='Spam: " + subject + "']"))).click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(
                    org.openqa.selenium.By.id("status"), "moved to Junk"));
            assertEquals("Junk", listed("uireader", subject).getString("folder"));
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable(
                    org.openqa.selenium.By.cssSelector("button[aria-label='Not spam: " + subject + "']"))).click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(
                    org.openqa.selenium.By.id("status"), "moved to INBOX"));
            assertEquals("INBOX", listed("uireader", subject).getString("folder"));
        } finally {
            chrome.quit();
        }
    }

    /**
     * With Dovecot in front (docs/dovecot.md, "Learning from Junk"): moving a message into Junk over
     * IMAP teaches rspamd that it is spam, moving it out again that it is not, through Dovecot's
     * imapsieve and rspamc, with the login Mailforge's users table checks.
     */
    @Test
    void withDovecotMovingIntoAndOutOfJunkTeachesRspamd() throws Exception {
        Dovecot.requireInstalled();
        ExternalTools.requireFile("/usr/lib/dovecot/modules/lib95_imap_sieve_plugin.so", "dovecot-sieve");
        String rspamc = ExternalTools.requireCommand("rspamc");
        createUser("imapreader");
        String address = "imapreader@example.test";
        Path folder = data.resolveSibling("dovecot");
        Path mail = folder.resolveSibling("dovecot-mail");
        new org.mailforge.infrastructure.storage.MaildirStore(mail).store(address, "lottery@prizes.test",
                // a text of its own: what it teaches rspamd (spam, then ham) must not touch the other test's campaign
                org.mailforge.smtp.spi.MessageContent.of(message("lottery@prizes.test", address, "Prize over IMAP",
                        "Congratulations, your ticket number " + System.nanoTime() + " has won the grand prize of the annual"
                                + " international lottery draw, reply with your bank details to claim the transfer")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Dovecot.giveToMailUser(mail.resolve(address));
        Path sieve = Files.createDirectories(folder.resolveSibling("dovecot-sieve"));
        Files.writeString(sieve.resolve("report-spam.sieve"), String.join("\n",
                "require [\"vnd.dovecot.pipe\", \"copy\", \"imapsieve\"];", "pipe :copy \"rspamd-learn\" [\"spam\"];", ""));
        Files.writeString(sieve.resolve("report-ham.sieve"), String.join("\n",
                "require [\"vnd.dovecot.pipe\", \"copy\", \"imapsieve\", \"environment\", \"variables\"];",
                "if environment :matches \"imap.mailbox\" \"*\" { set \"mailbox\" \"${1}\"; }",
                "if string \"${mailbox}\" \"Trash\" { stop; }",
                "pipe :copy \"rspamd-learn\" [\"ham\"];", ""));
        Path bin = Files.createDirectories(sieve.resolve("bin"));
        Path learn = bin.resolve("rspamd-learn");
        Files.writeString(learn, "#!/bin/sh\nexec " + rspamc + " -h " + rspamd.controllerUrl().replace("http://", "") + " \"learn_$1\"\n");
        learn.toFile().setExecutable(true, false);
        Dovecot.giveToMailUser(sieve);
        long learnt = rspamdLearnt();
        try (Dovecot dovecot = Dovecot.start(folder, TestPorts.port(3143), 0, mail,
                List.of("driver = sqlite", "connect = " + data.resolve("smtp.db").toAbsolutePath()), List.of(
                        "protocol imap {", "  mail_plugins = $mail_plugins imap_sieve", "}",
                        "plugin {",
                        "  sieve_plugins = sieve_imapsieve sieve_extprograms",
                        "  sieve_global_extensions = +vnd.dovecot.pipe +vnd.dovecot.environment",
                        "  sieve_pipe_bin_dir = " + bin,
                        "  imapsieve_mailbox1_name = Junk",
                        "  imapsieve_mailbox1_causes = COPY",
                        "  imapsieve_mailbox1_before = file:" + sieve.resolve("report-spam.sieve"),
                        "  imapsieve_mailbox2_name = *",
                        "  imapsieve_mailbox2_from = Junk",
                        "  imapsieve_mailbox2_causes = COPY",
                        "  imapsieve_mailbox2_before = file:" + sieve.resolve("report-ham.sieve"),
                        "}"))) {
            java.util.Properties properties = new java.util.Properties();
            properties.put("mail.imap.host", TestServer.HOST);
            properties.put("mail.imap.port", String.valueOf(TestPorts.port(3143)));
            properties.put("mail.imap.timeout", "30000");
            try (jakarta.mail.Store imap = jakarta.mail.Session.getInstance(properties).getStore("imap")) {
                imap.connect("imapreader", PASSWORD);
                jakarta.mail.Folder junk = imap.getFolder("Junk");
                if (!junk.exists()) {
                    junk.create(jakarta.mail.Folder.HOLDS_MESSAGES);
                }
                move(imap, "INBOX", "Junk");
                TestServer.await(() -> rspamdLearntOrZero() == learnt + 1, Duration.ofSeconds(20),
                        "rspamd learnt the message moved into Junk as spam; Dovecot says: " + dovecot.log());
                move(imap, "Junk", "INBOX");
                TestServer.await(() -> rspamdLearntOrZero() == learnt + 2, Duration.ofSeconds(20),
                        "rspamd learnt the message moved out of Junk as ham; Dovecot says: " + dovecot.log());
            }
        }
    }

    /** Moves every message of one IMAP folder into another (IMAP MOVE, RFC 6851). */
    private static void move(jakarta.mail.Store imap, String from, String to) throws Exception {
        jakarta.mail.Folder source = imap.getFolder(from);
        source.open(jakarta.mail.Folder.READ_WRITE);
        try {
            jakarta.mail.Message[] messages = source.getMessages();
            assertEquals(1, messages.length, from + " holds the one message");
            ((org.eclipse.angus.mail.imap.IMAPFolder) source).moveMessages(messages, imap.getFolder(to));
        } finally {
            source.close(true);
        }
    }

    /** How many messages rspamd has learnt so far (its controller's /stat). */
    private static long rspamdLearnt() throws Exception {
        java.net.http.HttpResponse<String> stat = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(rspamd.controllerUrl() + "/stat")).timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return jakarta.json.Json.createReader(new java.io.StringReader(stat.body())).readObject().getJsonNumber("learned").longValue();
    }

    private static long rspamdLearntOrZero() {
        try {
            return rspamdLearnt();
        } catch (Exception e) {
            return -1;
        }
    }
}
