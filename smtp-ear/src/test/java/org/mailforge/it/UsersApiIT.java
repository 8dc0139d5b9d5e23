package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpResponse;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

/** The spec's user management endpoints with their status codes, against the running server. */
class UsersApiIT {

    private static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static void assertNoSecrets(HttpResponse<String> response, String password) {
        assertFalse(response.body().contains("argon2"), response.body());
        assertFalse(response.body().contains("password"), response.body());
        assertFalse(response.body().contains(password), response.body());
    }

    @Test
    void requiresAuthentication() throws Exception {
        HttpResponse<String> anonymous = TestServer.api("GET", "/api/users", null, null, null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm=\"mailforge\""));
        assertJsonError(anonymous, "unauthorized");
        assertEquals("1.0", anonymous.headers().firstValue("X-API-Version").orElse(null));
        HttpResponse<String> wrong = TestServer.api("GET", "/api/users", null, TestServer.ADMIN, "wrong-password");
        assertEquals(401, wrong.statusCode());
        assertJsonError(wrong, "unauthorized");
        HttpResponse<String> health = TestServer.get(TestServer.HTTP_PORT, "/health");
        assertEquals(200, health.statusCode(), "health needs no credentials");
        assertEquals("1.0", health.headers().firstValue("X-API-Version").orElse(null));
        assertEquals("100", health.headers().firstValue("X-RateLimit-Limit").orElse(null), "every API response has the rate limit headers");
        HttpResponse<String> users = TestServer.api("GET", "/api/users", null, TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
        assertEquals(200, users.statusCode());
        assertEquals("no-store", users.headers().firstValue("Cache-Control").orElse(null), "no cache keeps the user list");
    }

    /**
     * With HTTPS configured, Basic credentials that came over plain HTTP from another host are
     * refused unread (this host itself, and a trusted proxy that took HTTPS, may still use HTTP).
     */
    @Test
    void basicCredentialsInTheClearFromElsewhereAreRefusedWhenHttpsIsOn() throws Exception {
        TestServer.RawResponse clear = TestServer.rawGet(TestServer.HTTP_PORT, "127.0.0.9", "/api/users", TestServer.ADMIN,
                TestServer.ADMIN_PASSWORD, "X-Forwarded-For: 192.0.2.50\r\n");
        assertEquals(403, clear.status(), clear.body());
        assertTrue(clear.body().contains("https://"), clear.body());
        assertEquals(200, TestServer.rawGet(TestServer.HTTP_PORT, "127.0.0.9", "/api/users", TestServer.ADMIN, TestServer.ADMIN_PASSWORD,
                "X-Forwarded-For: 192.0.2.50\r\nX-Forwarded-Proto: https\r\n").status(), "the proxy took HTTPS from the client");
        assertEquals(200, TestServer.rawGet(TestServer.HTTP_PORT, "127.0.0.1", "/api/users", TestServer.ADMIN, TestServer.ADMIN_PASSWORD, "")
                .status(), "this host itself");
    }

    private static void assertJsonError(HttpResponse<String> response, String error) {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), response.headers().toString());
        jakarta.json.JsonObject body = jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject();
        assertEquals(error, body.getString("error"));
        assertFalse(body.getString("message").isBlank());
    }

    @Test
    void administratorManagesUsers() throws Exception {
        String name = "jane" + System.nanoTime();
        String email = name + "@example.test";
        HttpResponse<String> created = TestServer.asAdmin("POST", "/api/users",
                "{\"username\":\"" + name + "\",\"email\":\"" + email + "\",\"password\":\"SecureP@ssw0rd\",\"quota_mb\":1000}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Location").orElse("").endsWith("/api/users/" + name));
        JsonObject user = json(created);
        assertEquals(name, user.getString("username"));
        assertEquals(email, user.getString("email"));
        assertEquals(1000, user.getInt("quota_mb"));
        assertTrue(user.getBoolean("enabled"));
        assertTrue(user.getJsonNumber("id").longValue() > 0);
        assertTrue(user.getString("created_at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), user.toString());
        assertNoSecrets(created, "SecureP@ssw0rd");

        assertEquals(409, TestServer.asAdmin("POST", "/api/users",
                "{\"username\":\"" + name + "\",\"email\":\"other-" + email + "\",\"password\":\"SecureP@ssw0rd\"}").statusCode());
        HttpResponse<String> sameEmail = TestServer.asAdmin("POST", "/api/users",
                "{\"username\":\"other" + name + "\",\"email\":\"" + email + "\",\"password\":\"SecureP@ssw0rd\"}");
        assertEquals(409, sameEmail.statusCode());
        assertEquals("email", json(sameEmail).getString("field"));

        HttpResponse<String> fetched = TestServer.asAdmin("GET", "/api/users/" + name, null);
        assertEquals(200, fetched.statusCode());
        assertEquals("1.0", fetched.headers().firstValue("X-API-Version").orElse(null));
        JsonObject stats = json(fetched).getJsonObject("statistics");
        assertEquals(0, stats.getInt("messages_received"));
        assertNoSecrets(fetched, "SecureP@ssw0rd");

        HttpResponse<String> list = TestServer.asAdmin("GET", "/api/users?limit=1000", null);
        assertEquals(200, list.statusCode());
        JsonObject page = json(list);
        assertEquals(1000, page.getInt("limit"));
        assertEquals(0, page.getInt("offset"));
        assertTrue(page.getInt("total") >= 2);
        assertTrue(page.getJsonArray("users").stream().anyMatch(u -> u.asJsonObject().getString("username").equals(name)));
        assertNoSecrets(list, "SecureP@ssw0rd");
        assertEquals(1, json(TestServer.asAdmin("GET", "/api/users?offset=1&limit=1", null)).getJsonArray("users").size());
        // q: a part of the name or address, any case; the caller's LIKE wildcards are plain text
        JsonObject found = json(TestServer.asAdmin("GET", "/api/users?q=" + name.substring(2).toUpperCase(java.util.Locale.ROOT), null));
        assertEquals(1, found.getInt("total"), found.toString());
        assertEquals(name, found.getJsonArray("users").getJsonObject(0).getString("username"));
        assertEquals(0, json(TestServer.asAdmin("GET", "/api/users?q=%25", null)).getInt("total"), "% matches only a %");
        HttpResponse<String> control = TestServer.asAdmin("GET", "/api/users?q=a%0Db", null);
        assertEquals(400, control.statusCode());
        assertEquals("q", json(control).getString("field"));

        HttpResponse<String> updated = TestServer.asAdmin("PUT", "/api/users/" + name, "{\"quota_mb\":2000,\"enabled\":true}");
        assertEquals(200, updated.statusCode(), updated.body());
        assertEquals(2000, json(updated).getInt("quota_mb"));

        HttpResponse<String> deleted = TestServer.asAdmin("DELETE", "/api/users/" + name, null);
        assertEquals(200, deleted.statusCode());
        assertTrue(json(deleted).getBoolean("success"));
        assertEquals("User deleted successfully", json(deleted).getString("message"));
        assertEquals(404, TestServer.asAdmin("GET", "/api/users/" + name, null).statusCode());
        assertEquals(404, TestServer.asAdmin("DELETE", "/api/users/" + name, null).statusCode());
        assertEquals(404, TestServer.asAdmin("PUT", "/api/users/" + name, "{\"quota_mb\":1}").statusCode());
    }

    @Test
    void invalidInputGetsA400NamingTheField() throws Exception {
        String[][] cases = {
            {"{\"username\":\"Bad Name\",\"email\":\"a@example.test\",\"password\":\"SecureP@ssw0rd\"}", "username"},
            {"{\"username\":\"okname\",\"email\":\"not-an-email\",\"password\":\"SecureP@ssw0rd\"}", "email"},
            {"{\"username\":\"okname\",\"email\":\"a@example.test\",\"password\":\"short\"}", "password"},
            {"{\"username\":\"okname\",\"email\":\"a@example.test\"}", "password"},
            {"{\"username\":\"okname\",\"email\":\"a@example.test\",\"password\":\"SecureP@ssw0rd\",\"quota_mb\":-5}", "quota_mb"},
        };
        for (String[] c : cases) {
            HttpResponse<String> response = TestServer.asAdmin("POST", "/api/users", c[0]);
            assertEquals(400, response.statusCode(), c[0] + " -> " + response.body());
            assertEquals(c[1], json(response).getString("field"), response.body());
            assertEquals("bad_request", json(response).getString("error"));
            assertEquals("1.0", response.headers().firstValue("X-API-Version").orElse(null), "errors carry the version too");
        }
        HttpResponse<String> malformed = TestServer.asAdmin("POST", "/api/users", "{not json");
        assertEquals(400, malformed.statusCode(), malformed.body());
        assertTrue(json(malformed).containsKey("message"));
        HttpResponse<String> badLimit = TestServer.asAdmin("GET", "/api/users?limit=5000", null);
        assertEquals(400, badLimit.statusCode());
        assertEquals("limit", json(badLimit).getString("field"));
        assertEquals(400, TestServer.asAdmin("GET", "/api/users?offset=-1", null).statusCode());
    }

    @Test
    void aUserMayReadAndUpdateOnlyItself() throws Exception {
        String password = "Str0ng-user-pass";
        String name = TestServer.createUser("self" + System.nanoTime() + "@example.test", password);
        String other = TestServer.createUser("other" + System.nanoTime() + "@example.test", password);

        HttpResponse<String> self = TestServer.api("GET", "/api/users/" + name, null, name, password);
        assertEquals(200, self.statusCode(), self.body());
        assertEquals(403, TestServer.api("GET", "/api/users/" + other, null, name, password).statusCode());
        assertEquals(403, TestServer.api("GET", "/api/users", null, name, password).statusCode());
        assertEquals(403, TestServer.api("POST", "/api/users", "{\"username\":\"x\"}", name, password).statusCode());
        assertEquals(403, TestServer.api("DELETE", "/api/users/" + other, null, name, password).statusCode());
        // an address decides where mail goes: a user may not take postmaster@ or one another user gave up
        for (String field : new String[] {"\"quota_mb\":99999", "\"enabled\":false", "\"admin\":true",
                "\"email\":\"postmaster@example.test\""}) {
            HttpResponse<String> forbidden = TestServer.api("PUT", "/api/users/" + name, "{" + field + "}", name, password);
            assertEquals(403, forbidden.statusCode(), field);
            assertEquals("forbidden", json(forbidden).getString("error"));
        }
        String newEmail = "renamed" + System.nanoTime() + "@example.test";
        HttpResponse<String> renamed = TestServer.asAdmin("PUT", "/api/users/" + name, "{\"email\":\"" + newEmail + "\"}");
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals(newEmail, json(renamed).getString("email"));
        // a changed password takes effect at once, the old one stops working
        assertEquals(200, TestServer.api("PUT", "/api/users/" + name, "{\"password\":\"N3w-password-1\"}", name, password).statusCode());
        assertEquals(401, TestServer.api("GET", "/api/users/" + name, null, name, password).statusCode());
        assertEquals(200, TestServer.api("GET", "/api/users/" + name, null, name, "N3w-password-1").statusCode());
        // disabled users cannot log in
        assertEquals(200, TestServer.asAdmin("PUT", "/api/users/" + name, "{\"enabled\":false}").statusCode());
        assertEquals(401, TestServer.api("GET", "/api/users/" + name, null, name, "N3w-password-1").statusCode());
    }

    /**
     * Mail belongs to the user, not to the address: when an administrator moves a user to another
     * address the mail moves too, and whoever gets the old address later finds none of it. Role
     * addresses are for administrators only.
     */
    @Test
    void mailMovesWithItsUserAndAnOldAddressCarriesNothing() throws Exception {
        String first = TestServer.uniqueMailbox("example.test");
        String name = TestServer.createUser(first, "Moving-Pass-1");
        SmtpConnection.deliver(TestServer.SMTP_PORT, "a@example.org", first, "Subject: kept\r\n\r\nmine\r\n");
        TestServer.await(() -> {
            try {
                return TestServer.delivered(first).size() == 1;
            } catch (java.io.IOException e) {
                return false;
            }
        }, java.time.Duration.ofSeconds(10), "delivered");
        String second = TestServer.uniqueMailbox("example.test");
        HttpResponse<String> moved = TestServer.asAdmin("PUT", "/api/users/" + name, "{\"email\":\"" + second + "\"}");
        assertEquals(200, moved.statusCode(), moved.body());
        assertEquals(1, TestServer.delivered(second).size(), "the mail moved with the user");
        assertTrue(TestServer.delivered(first).isEmpty(), "nothing left under the old address");

        String heir = TestServer.createUser(first, "Heir-Pass-1");
        assertTrue(TestServer.delivered(first).isEmpty(), "the next owner of the address reads nothing of the last");
        HttpResponse<String> heirView = TestServer.api("GET", "/api/users/" + heir, null, heir, "Heir-Pass-1");
        assertEquals(0, json(heirView).getJsonObject("statistics").getInt("messages_received"), heirView.body());

        HttpResponse<String> role = TestServer.asAdmin("POST", "/api/users", "{\"username\":\"role" + System.nanoTime()
                + "\",\"email\":\"abuse@example.test\",\"password\":\"Role-Pass-123\"}");
        assertEquals(400, role.statusCode(), role.body());
        assertTrue(role.body().contains("role addresses"), role.body());
    }
}
