package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

/** The real user-cli jar on the running server's database: create via CLI, AUTH via SMTP, see via API. */
class UserCliIT {

    private static UserCliProcess.Result cli(String... args) throws Exception {
        return UserCliProcess.run(java.util.Map.of("SMTP_DB_PATH", TestServer.DATA.resolve("smtp.db").toString(),
                "SMTP_STORAGE_PATH", TestServer.MAIL.toString()), args);
    }

    @Test
    void createdWithTheCliUsableEverywhereWhileTheServerRuns() throws Exception {
        String name = "cli" + Long.toString(System.nanoTime(), 36);
        String email = name + "@example.test";
        UserCliProcess.Result created = cli("create", name, email, "Cli-Passw0rd");
        assertEquals(0, created.status(), created.output());
        assertTrue(created.output().startsWith("User created successfully:\n  Username: " + name + "\n"), created.output());

        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO cli.example");
            String credentials = Base64.getEncoder().encodeToString(("\0" + name + "\0Cli-Passw0rd").getBytes(StandardCharsets.UTF_8));
            assertEquals("235 2.7.0 Authentication successful", smtp.command("AUTH PLAIN " + credentials));
        }

        JsonObject user = Json.createReader(new StringReader(TestServer.asAdmin("GET", "/api/users/" + name, null).body())).readObject();
        assertEquals(email, user.getString("email"));
        assertEquals(1000, user.getInt("quota_mb"));

        assertEquals(0, cli("set-quota", name, "250").status());
        user = Json.createReader(new StringReader(TestServer.asAdmin("GET", "/api/users/" + name, null).body())).readObject();
        assertEquals(250, user.getInt("quota_mb"), "the server sees the CLI's change at once");

        UserCliProcess.Result info = cli("info", name);
        assertTrue(info.output().contains("  Last Login: 20"), "the SMTP login was recorded: " + info.output());

        assertEquals(0, cli("delete", name).status());
        assertEquals(404, TestServer.asAdmin("GET", "/api/users/" + name, null).statusCode());
    }

    @Test
    void domainsAndAliasesMadeWithTheCliReachTheRunningServer() throws Exception {
        String domain = "cli" + Long.toString(System.nanoTime(), 36) + ".example";
        UserCliProcess.Result added = cli("domain", "add", domain);
        assertEquals(0, added.status(), added.output());
        assertEquals("Domain added: " + domain + "\n", added.output());
        UserCliProcess.Result alias = cli("alias", "add", "team@" + domain, "Bob@example.test", "partner@elsewhere.example");
        assertEquals(0, alias.status(), alias.output());
        assertEquals("Alias added: team@" + domain + " -> bob@example.test, partner@elsewhere.example\n", alias.output());
        assertTrue(cli("alias", "list").output().contains("  team@" + domain + " -> bob@example.test, partner@elsewhere.example\n"));
        assertTrue(cli("domain", "list").output().contains("  " + domain + " - users: 0, aliases: 1\n"));
        UserCliProcess.Result refused = cli("domain", "remove", domain);
        assertEquals(1, refused.status(), "an alias still uses it");
        assertTrue(refused.output().contains("remove them first"), refused.output());
        UserCliProcess.Result nonLocal = cli("alias", "add", "x@not-ours.example", "bob@example.test");
        assertEquals(1, nonLocal.status());
        assertTrue(nonLocal.output().contains("address must be in a local domain"), nonLocal.output());

        JsonObject shown = Json.createReader(new StringReader(TestServer.asAdmin("GET", "/api/domains/" + domain, null).body())).readObject();
        assertEquals(1, shown.getInt("aliases"), "the server sees the CLI's domain and alias");
        TestServer.await(() -> {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
                smtp.reply();
                smtp.command("EHLO cli.example");
                smtp.command("MAIL FROM:<someone@origin.example>");
                return smtp.command("RCPT TO:<team@" + domain + ">").startsWith("250 ");
            } catch (java.io.IOException e) {
                return false;
            }
        }, java.time.Duration.ofSeconds(10), "the SMTP engine takes mail for the CLI's domain within seconds");

        assertEquals(0, cli("alias", "remove", "team@" + domain).status());
        assertEquals(0, cli("domain", "remove", domain).status());
        // the server reads the directory the CLI wrote within seconds (every node does, at most every 2 s)
        TestServer.await(() -> {
            try {
                return TestServer.asAdmin("GET", "/api/domains/" + domain, null).statusCode() == 404;
            } catch (java.io.IOException | InterruptedException e) {
                return false;
            }
        }, java.time.Duration.ofSeconds(10), "the server sees the CLI's removal");
    }
}
