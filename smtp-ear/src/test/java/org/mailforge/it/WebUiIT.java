package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI at /ui/ (#21): Debian's Chromium, headless, driven through WebDriver by an
 * administrator and a user, every change then read back through the REST API; and the session's
 * defences tried with plain HTTP requests (cross-site sign-in, changes without the CSRF token,
 * the pages' headers). A screenshot of each page goes to target/ui-screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {

    private static final int HTTPS_PORT = Integer.getInteger("it.https.port", TestPorts.port(8444));
    private static final String ORIGIN = "https://" + TestServer.HOST + ":" + HTTPS_PORT;
    private static final String UI = ORIGIN + "/ui/";
    private static final Path SCREENSHOTS = Path.of("target/ui-screenshots");
    private static final String PASSWORD = "Ui-Test-Pass-42";
    private static final long RUN = System.nanoTime();
    private static final String USER = "ui" + Long.toString(RUN, 36);
    private static final String EMAIL = USER + "@example.test";

    private static ChromeDriver browser;
    private static boolean userCreated;

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    // ---- in the browser ----

    @Test
    @Order(1)
    void aWrongPasswordIsRefusedOnTheSignInPage() throws Exception {
        ChromeDriver chrome = browser();
        chrome.get(ORIGIN.replace("https://", "http://").replace(":" + HTTPS_PORT, ":" + TestServer.HTTP_PORT) + "/ui/");
        // plain HTTP goes to HTTPS, the dashboard without a session to the sign-in page
        waitFor().until(ExpectedConditions.urlToBe(UI + "signin.html"));
        signIn("admin", "not-the-password");
        WebElement failure = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("failure")));
        assertEquals("Wrong username or password.", failure.getText());
        assertEquals("alert", failure.getAttribute("role"));
        assertTrue(chrome.getCurrentUrl().endsWith("/ui/signin.html?error=credentials"), chrome.getCurrentUrl());
        screenshot("signin");
    }

    @Test
    @Order(2)
    void anAdministratorSignsInToTheDashboard() throws Exception {
        ChromeDriver chrome = signedIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "Dashboard");
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".figure")));
        String page = chrome.findElement(By.id("main")).getText();
        assertTrue(page.contains("Healthy") || page.contains("Degraded"), page);
        assertTrue(page.contains("Messages received per minute"), page);
        assertEquals(2, chrome.findElements(By.cssSelector(".chart svg[role=img][aria-label]")).size());
        Cookie cookie = chrome.manage().getCookieNamed("__Host-mailforge_session");
        assertNotNull(cookie, "the session cookie");
        assertTrue(cookie.isHttpOnly() && cookie.isSecure(), "HttpOnly and Secure");
        assertEquals("Strict", cookie.getSameSite());
        screenshot("dashboard");
    }

    @Test
    @Order(3)
    void anAdministratorCreatesAUserThatTheApiThenHas() throws Exception {
        ChromeDriver chrome = open("users", "Users");
        chrome.findElement(By.xpath("//summary[text()='New user']")).click();
        WebElement form = chrome.findElement(By.id("new-user"));
        form.findElement(By.name("username")).sendKeys(USER);
        form.findElement(By.name("email")).sendKeys(EMAIL);
        form.findElement(By.name("password")).sendKeys(PASSWORD);
        form.findElement(By.name("quota_mb")).sendKeys("250");
        form.findElement(By.name("quota_mb")).sendKeys(Keys.ENTER); // the keyboard submits
        waitFor().until(ExpectedConditions.textToBe(By.id("status"), "User " + USER + " created."));
        userCreated = true;

        JsonObject user = json(TestServer.asAdmin("GET", "/api/users/" + USER, null));
        assertEquals(EMAIL, user.getString("email"));
        assertEquals(250, user.getInt("quota_mb"));
        assertFalse(user.getBoolean("admin"));

        WebElement search = chrome.findElement(By.name("q"));
        search.sendKeys(USER, Keys.ENTER);
        waitFor().until(ExpectedConditions.urlContains("#/users?q=" + USER));
        waitFor().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("main tbody tr"), 1));
        assertTrue(chrome.findElement(By.cssSelector("main tbody tr")).getText().contains(EMAIL));
        screenshot("users");
    }

    @Test
    @Order(4)
    void anAdministratorCreatesAnAliasThatTheApiThenHas() throws Exception {
        ChromeDriver chrome = open("aliases", "Aliases");
        String address = "team-" + USER + "@example.test";
        chrome.findElement(By.xpath("//summary[text()='New alias']")).click();
        WebElement form = chrome.findElement(By.id("new-alias"));
        form.findElement(By.name("address")).sendKeys(address);
        form.findElement(By.name("targets")).sendKeys(EMAIL + "\npartner@elsewhere.example");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor().until(ExpectedConditions.textToBe(By.id("status"), "Alias " + address + " created."));

        JsonObject alias = json(TestServer.asAdmin("GET", "/api/aliases/" + address, null));
        assertEquals(List.of(EMAIL, "partner@elsewhere.example"),
                alias.getJsonArray("targets").getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList());
        screenshot("aliases");
    }

    @Test
    @Order(5)
    void anAdministratorAddsADomainAndReadsItsDnsRecords() throws Exception {
        ChromeDriver chrome = open("domains", "Domains");
        String domain = USER + ".example";
        WebElement form = chrome.findElement(By.id("new-domain"));
        form.findElement(By.name("name")).sendKeys(domain, Keys.ENTER);
        waitFor().until(ExpectedConditions.textToBe(By.id("status"), domain + " is now a local domain."));
        assertEquals(200, TestServer.asAdmin("GET", "/api/domains/" + domain, null).statusCode());

        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label='DNS records of " + domain + "']")))
                .click(); // the list is read again after the notice
        WebElement dialog = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        assertTrue(dialog.findElement(By.cssSelector("pre.zone")).getText().contains(domain), "the zone text names the domain");
        screenshot("domains");
        dialog.findElement(By.id("dialog-cancel")).click();
        waitFor().until(ExpectedConditions.invisibilityOfElementLocated(By.id("dialog")));
    }

    @Test
    @Order(6)
    void anAdministratorRetriesAQueuedMessage() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(userCreated, "needs the user created in the browser");
        // no destination listens on the relay port now: the message waits in the queue
        String domain = USER + ".remote.test";
        String reply = SmtpConnection.submit(TestServer.SMTP_PORT, USER, PASSWORD, EMAIL, "someone@" + domain,
                "From: <" + EMAIL + ">\r\nTo: <someone@" + domain + ">\r\nSubject: Waiting\r\n\r\nHello.");
        assertTrue(reply.startsWith("250 "), reply);
        TestServer.await(() -> attempts(domain) >= 1, Duration.ofSeconds(20), "a first attempt");
        int before = attempts(domain);

        ChromeDriver chrome = browser();
        chrome.get(UI + "#/queue?domain=" + domain);
        waitFor().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "Queue"));
        waitFor().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("main tbody tr"), 1));
        assertEquals(domain, chrome.findElement(By.name("domain")).getAttribute("value"));
        screenshot("queue");
        chrome.findElement(By.cssSelector("button[aria-label^='Retry the message']")).click();
        waitFor().until(ExpectedConditions.textToBe(By.id("status"), "Message queued for immediate retry"));
        TestServer.await(() -> attempts(domain) > before, Duration.ofSeconds(20), "another attempt after the retry");

        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label^='Details of the message']"))).click();
        WebElement dialog = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        assertTrue(dialog.getText().contains("someone@" + domain), dialog.getText());
        dialog.sendKeys(Keys.ESCAPE);
        waitFor().until(ExpectedConditions.invisibilityOfElementLocated(By.id("dialog")));
    }

    @Test
    @Order(7)
    void anAdministratorFindsAMessageInTheMailLogAndReadsItsTimeline() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        String subject = "Mail log " + USER + " " + System.nanoTime();
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO supplier.example");
            assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<supplier@elsewhere.test>"));
            assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
            assertTrue(smtp.command("DATA").startsWith("354"));
            String reply = smtp.command("From: <supplier@elsewhere.test>\r\nTo: <" + mailbox + ">\r\nSubject: " + subject
                    + "\r\n\r\nHello.\r\n.");
            assertTrue(reply.startsWith("250 "), reply);
        }

        ChromeDriver chrome = open("log", "Mail log");
        chrome.findElement(By.id("log-search")).findElement(By.name("recipient")).sendKeys(mailbox, Keys.ENTER);
        waitFor().until(ExpectedConditions.urlContains("#/log?recipient="));
        // the trace is written within about a second: the same search again until the message is listed, alone
        String id = waitFor().pollingEvery(Duration.ofSeconds(1)).ignoring(StaleElementReferenceException.class).until(driver -> {
            List<WebElement> rows = driver.findElements(By.cssSelector("#log-results tbody tr"));
            if (rows.size() == 1 && rows.get(0).getText().contains(mailbox)) {
                return rows.get(0).findElement(By.cssSelector("a[data-trace-id]")).getAttribute("data-trace-id");
            }
            driver.findElement(By.cssSelector("#log-search button[type=submit]")).click();
            return null;
        });
        WebElement link = chrome.findElement(By.cssSelector("#log-results a[data-trace-id='" + id + "']"));
        String found = link.findElement(By.xpath("./ancestor::tr")).getText();
        assertTrue(found.contains(subject) && found.contains("supplier@elsewhere.test"), found);
        screenshot("log");

        link.click();
        waitFor().until(ExpectedConditions.urlContains("&id="));
        WebElement stored = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#trace-steps li[data-kind='stored']")));
        assertTrue(stored.getText().contains("Stored for " + mailbox), stored.getText());
        String received = chrome.findElement(By.cssSelector("#trace-steps li[data-kind='received'] pre.reply")).getText();
        assertTrue(received.startsWith("250 "), received);
        String facts = chrome.findElement(By.id("trace-facts")).getText();
        assertTrue(facts.contains(subject) && facts.contains("supplier.example"), "the subject and the HELO: " + facts);
        screenshot("log-timeline");
    }

    @Test
    @Order(8)
    void anAdministratorHoldsThenReleasesAQueuedMessage() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(userCreated, "needs the user created in the browser");
        // as for the retry: no destination listens on the relay port, the message waits in the queue
        String domain = "hold-" + USER + ".remote.test";
        String reply = SmtpConnection.submit(TestServer.SMTP_PORT, USER, PASSWORD, EMAIL, "someone@" + domain,
                "From: <" + EMAIL + ">\r\nTo: <someone@" + domain + ">\r\nSubject: To hold\r\n\r\nHello.");
        assertTrue(reply.startsWith("250 "), reply);
        TestServer.await(() -> attempts(domain) >= 1, Duration.ofSeconds(20), "a first attempt");

        ChromeDriver chrome = browser();
        chrome.get(UI + "#/queue?domain=" + domain);
        waitFor().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "Queue"));
        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label^='Hold the message']"))).click();
        // the list is read again after the answer: a held entry offers Release instead
        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label^='Release the message']")));
        assertEquals("held", queueEntry(domain).getString("status"));
        screenshot("queue-held");

        chrome.findElement(By.cssSelector("button[aria-label^='Release the message']")).click();
        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label^='Hold the message']")));
        JsonObject released = queueEntry(domain);
        assertFalse("held".equals(released.getString("status")), released.toString());
        TestServer.asAdmin("DELETE", "/api/queue/" + released.getString("id"), null);
    }

    @Test
    @Order(9)
    void signingOutEndsTheSessionOnTheServer() throws Exception {
        ChromeDriver chrome = browser();
        chrome.get(UI + "#/dashboard");
        waitFor().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "Dashboard"));
        String session = chrome.manage().getCookieNamed("__Host-mailforge_session").getValue();
        assertEquals(200, https("GET", "/api/users/" + TestServer.ADMIN, session, null, null).statusCode(), "the cookie works before");

        chrome.findElement(By.id("sign-out")).click();
        waitFor().until(ExpectedConditions.urlToBe(UI + "signin.html"));
        assertEquals(401, https("GET", "/api/users/" + TestServer.ADMIN, session, null, null).statusCode(),
                "the same cookie after sign-out");
        chrome.get(UI);
        waitFor().until(ExpectedConditions.urlToBe(UI + "signin.html"));
    }

    @Test
    @Order(10)
    void aUserSeesOnlyItsOwnAccount() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(userCreated, "needs the user created in the browser");
        ChromeDriver chrome = signedIn(EMAIL, PASSWORD, "Account"); // the address works as the login too
        waitFor().until(ExpectedConditions.presenceOfElementLocated(By.id("quota")));
        List<String> pages = chrome.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("Mail log", "Messages", "Account"), pages);
        String page = chrome.findElement(By.id("main")).getText();
        assertTrue(page.contains("team-" + USER + "@example.test"), "the alias that reaches the user: " + page);
        screenshot("account");

        chrome.get(UI + "#/users"); // an administrator's page: the user gets its own account instead
        waitFor().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "Account"));
        chrome.findElement(By.id("sign-out")).click();
        waitFor().until(ExpectedConditions.urlToBe(UI + "signin.html"));
    }

    @Test
    @Order(11)
    void anAdministratorEditsThenDeletesAUserAfterAConfirmation() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(userCreated, "needs the user created in the browser");
        ChromeDriver chrome = signedIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "Dashboard");
        chrome.get(UI + "#/users?q=" + USER);
        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label='Edit " + USER + "']"))).click();
        WebElement dialog = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        WebElement quota = dialog.findElement(By.name("quota_mb"));
        quota.clear();
        quota.sendKeys("300");
        dialog.findElement(By.id("dialog-ok")).click();
        waitFor().until(ExpectedConditions.textToBe(By.id("status"), "User " + USER + " saved."));
        assertEquals(300, json(TestServer.asAdmin("GET", "/api/users/" + USER, null)).getInt("quota_mb"));

        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label='Delete " + USER + "']"))).click();
        dialog = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("dialog")));
        assertTrue(dialog.getText().contains("cannot be undone"), dialog.getText());
        dialog.findElement(By.id("dialog-cancel")).click(); // Cancel changes nothing
        assertEquals(200, TestServer.asAdmin("GET", "/api/users/" + USER, null).statusCode());
        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button[aria-label='Delete " + USER + "']"))).click();
        waitFor().until(ExpectedConditions.elementToBeClickable(By.id("dialog-ok"))).click();
        waitFor().until(ExpectedConditions.textToBe(By.id("status"), "User " + USER + " deleted."));
        assertEquals(404, TestServer.asAdmin("GET", "/api/users/" + USER, null).statusCode());
    }

    @Test
    @Order(12)
    void noPageBrokeItsContentSecurityPolicy() {
        ChromeDriver chrome = browser();
        List<String> violations = chrome.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage).filter(message -> message.contains("Content Security Policy")).toList();
        assertEquals(List.of(), violations);
    }

    // ---- the session's defences, with plain HTTP requests ----

    @Test
    void plainHttpGoesToHttps() throws Exception {
        HttpResponse<String> response = TestServer.get(TestServer.HTTP_PORT, "/ui/users");
        assertEquals(308, response.statusCode());
        assertEquals(UI + "users", response.headers().firstValue("Location").orElse(""));
    }

    @Test
    void aSignInPostedFromAnotherSiteIsRefused() throws Exception {
        HttpResponse<String> response = https("POST", "/ui/session", null, "https://attacker.example",
                "login=admin&password=" + TestServer.ADMIN_PASSWORD);
        assertEquals(403, response.statusCode());
        assertEquals("forbidden", json(response).getString("error"));
        assertTrue(response.headers().firstValue("Set-Cookie").isEmpty(), "no session");
    }

    @Test
    void aChangeWithoutTheSessionsCsrfTokenIsRefused() throws Exception {
        HttpResponse<String> signedIn = https("POST", "/ui/session", null, ORIGIN, "login=admin&password=" + TestServer.ADMIN_PASSWORD);
        assertEquals(303, signedIn.statusCode());
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Strict"), setCookie);
        // the __Host- prefix: browsers take it only over HTTPS from this host, Path=/ and no Domain (no sibling plants one)
        assertTrue(setCookie.startsWith("__Host-mailforge_session=") && setCookie.contains("Path=/") && !setCookie.contains("Domain"),
                setCookie);
        String session = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        JsonObject me = json(https("GET", "/ui/session", session, null, null));
        assertEquals("admin", me.getString("username"));
        assertFalse(me.toString().toLowerCase().contains("password"), "nothing about the password: " + me);

        String domain = "csrf" + Long.toString(RUN, 36) + ".example";
        HttpResponse<String> forged = https("POST", "/api/domains", session, null, Map.of(), "{\"name\":\"" + domain + "\"}");
        assertEquals(403, forged.statusCode(), forged.body());
        assertEquals("missing or wrong X-CSRF-Token", json(forged).getString("message"));
        HttpResponse<String> wrong = https("POST", "/api/domains", session, null, Map.of("X-CSRF-Token", "x" + me.getString("csrf_token")),
                "{\"name\":\"" + domain + "\"}");
        assertEquals(403, wrong.statusCode());
        assertEquals(404, TestServer.asAdmin("GET", "/api/domains/" + domain, null).statusCode(), "nothing was added");

        HttpResponse<String> real = https("POST", "/api/domains", session, null, Map.of("X-CSRF-Token", me.getString("csrf_token")),
                "{\"name\":\"" + domain + "\"}");
        assertEquals(201, real.statusCode(), real.body());
        assertEquals(200, TestServer.asAdmin("DELETE", "/api/domains/" + domain, null).statusCode());

        // signing in again with that cookie: a new session, and the old one ends (no fixation)
        HttpResponse<String> again = https("POST", "/ui/session", session, ORIGIN, "login=admin&password=" + TestServer.ADMIN_PASSWORD);
        assertEquals(303, again.statusCode());
        String renewed = again.headers().firstValue("Set-Cookie").orElseThrow();
        renewed = renewed.substring(renewed.indexOf('=') + 1, renewed.indexOf(';'));
        assertFalse(renewed.equals(session), "a new session identifier");
        assertEquals(401, https("GET", "/ui/session", session, null, null).statusCode(), "the old session is over");
        assertEquals(200, https("GET", "/ui/session", renewed, null, null).statusCode());
    }

    /** A stolen session must not outlive the victim's new password: the change ends the account's other sessions. */
    @Test
    void aPasswordChangeEndsTheAccountsOtherSessions() throws Exception {
        String email = "sessions" + Long.toString(RUN, 36) + System.nanoTime() + "@example.test";
        String user = TestServer.createUser(email, "First-Password-1");
        String first = sessionOf(user, "First-Password-1");
        String second = sessionOf(user, "First-Password-1");
        String csrf = json(https("GET", "/ui/session", first, null, null)).getString("csrf_token");
        // a session cookie alone is not the password: whoever stole it cannot change it
        HttpResponse<String> without = https("PUT", "/api/users/" + user, first, null, Map.of("X-CSRF-Token", csrf),
                "{\"password\":\"Stolen-Session-3\"}");
        assertEquals(400, without.statusCode(), without.body());
        assertEquals("current_password", json(without).getString("field"), without.body());
        HttpResponse<String> otherScheme = https("PUT", "/api/users/" + user, first, null, Map.of("X-CSRF-Token", csrf,
                "Authorization", "Bearer x"), "{\"password\":\"Stolen-Session-3\"}");
        assertEquals(400, otherScheme.statusCode(), "an Authorization header that is not a password is still the session: "
                + otherScheme.body());
        assertEquals(403, https("PUT", "/api/users/" + user, first, null, Map.of("X-CSRF-Token", csrf),
                "{\"current_password\":\"a-guess\",\"password\":\"Stolen-Session-3\"}").statusCode());
        HttpResponse<String> changed = https("PUT", "/api/users/" + user, first, null, Map.of("X-CSRF-Token", csrf),
                "{\"current_password\":\"First-Password-1\",\"password\":\"Second-Password-2\"}");
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(401, https("GET", "/api/users/" + user, second, null, null).statusCode(), "the other session is over");
        assertEquals(401, https("GET", "/ui/session", second, null, null).statusCode());
        assertEquals(200, https("GET", "/api/users/" + user, first, null, null).statusCode(), "the one that changed it goes on");
        // a demotion or promotion ends sessions too: the role they were granted on is gone
        assertEquals(200, TestServer.asAdmin("PUT", "/api/users/" + user, "{\"admin\":true}").statusCode());
        assertEquals(401, https("GET", "/ui/session", first, null, null).statusCode(), "a changed role ends it");
        TestServer.asAdmin("DELETE", "/api/users/" + user, null);
    }

    /** Signs in over HTTP (no browser): the session cookie's value. */
    private static String sessionOf(String login, String password) throws Exception {
        HttpResponse<String> signedIn = https("POST", "/ui/session", null, ORIGIN, "login=" + login + "&password=" + password);
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    @Test
    void everyPageCarriesAStrictPolicyAndBadPathsGetJson() throws Exception {
        HttpResponse<String> page = https("GET", "/ui/signin.html", null, null, null);
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'")
                && !policy.contains("unsafe"), policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("max-age=31536000", page.headers().firstValue("Strict-Transport-Security").orElse(""), "HSTS over HTTPS");
        assertFalse(page.body().contains("<script>") || java.util.regex.Pattern.compile("\\son[a-z]+=").matcher(page.body()).find(),
                "no inline script or handler");

        HttpResponse<String> outside = https("GET", "/ui/..%2f..%2fserver.xml", null, null, null);
        assertTrue(outside.statusCode() == 400 || outside.statusCode() == 404, "status " + outside.statusCode());
        HttpResponse<String> unknown = https("GET", "/ui/nothing-here.js", null, null, null);
        assertEquals(404, unknown.statusCode());
        assertEquals("not_found", json(unknown).getString("error"));
        HttpResponse<String> posted = https("POST", "/ui/signin.html", null, ORIGIN, "x=1");
        assertEquals(405, posted.statusCode());
        assertEquals(401, https("GET", "/ui/session", null, null, null).statusCode());
    }

    // ---- helpers ----

    /** The browser, started on first use; skips the test (fails it in CI) without Chromium. */
    private static ChromeDriver browser() {
        if (browser == null) {
            browser = Chromium.start();
        }
        return browser;
    }

    /** A wait whose failure tells where the browser was and what it showed. */
    private static org.openqa.selenium.support.ui.FluentWait<org.openqa.selenium.WebDriver> waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "at " + browser.getCurrentUrl()
                + ", showing: " + browser.findElement(By.tagName("body")).getText());
    }

    /** Fills the sign-in form and submits it with the Enter key. */
    private static void signIn(String login, String password) {
        ChromeDriver chrome = browser();
        if (!chrome.getCurrentUrl().startsWith(UI + "signin.html")) {
            chrome.get(UI + "signin.html");
        }
        WebElement loginField = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        loginField.clear();
        loginField.sendKeys(login);
        chrome.findElement(By.id("password")).sendKeys(password, Keys.ENTER);
    }

    /** Signs in and waits for the first page (the dashboard for administrators, the account for users). */
    private static ChromeDriver signedIn(String login, String password, String firstPage) {
        signIn(login, password);
        waitFor().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), firstPage));
        return browser;
    }

    /** An administrator's page, by its link in the navigation. */
    private static ChromeDriver open(String route, String title) {
        ChromeDriver chrome = browser();
        if (!chrome.getCurrentUrl().startsWith(UI)) {
            chrome.get(UI);
        }
        waitFor().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#nav a[data-route='" + route + "']"))).click();
        waitFor().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), title));
        return chrome;
    }

    private static void screenshot(String page) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(page + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** Delivery attempts so far of the queue entry for a destination domain, 0 when there is none. */
    private static int attempts(String domain) {
        try {
            JsonObject page = json(TestServer.asAdmin("GET", "/api/queue?domain=" + domain, null));
            return page.getJsonArray("messages").isEmpty() ? 0 : page.getJsonArray("messages").getJsonObject(0).getInt("attempts");
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    /** The queue entry for a destination domain, as GET /api/queue lists it. */
    private static JsonObject queueEntry(String domain) throws IOException, InterruptedException {
        JsonObject page = json(TestServer.asAdmin("GET", "/api/queue?domain=" + domain, null));
        assertEquals(1, page.getJsonArray("messages").size(), page.toString());
        return page.getJsonArray("messages").getJsonObject(0);
    }

    private static HttpResponse<String> https(String method, String path, String session, String origin, String form)
            throws Exception {
        return https(method, path, session, origin, Map.of(), form == null ? null : form, "application/x-www-form-urlencoded");
    }

    private static HttpResponse<String> https(String method, String path, String session, String origin,
                                              Map<String, String> headers, String json) throws Exception {
        return https(method, path, session, origin, headers, json, "application/json");
    }

    private static HttpResponse<String> https(String method, String path, String session, String origin,
                                              Map<String, String> headers, String body, String type) throws Exception {
        HttpClient client = TestServer.httpsClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ORIGIN + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", type);
        }
        if (session != null) {
            request.header("Cookie", "__Host-mailforge_session=" + session);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }
}
