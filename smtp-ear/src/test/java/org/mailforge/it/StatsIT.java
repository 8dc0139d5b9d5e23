package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

/** {@code GET /stats}: the spec's sections and fields, moving with real traffic. */
class StatsIT {

    private static JsonObject stats() throws Exception {
        var response = TestServer.asAdmin("GET", "/stats", null);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    @Test
    void everySectionOfTheSpecMovesWithItsEvents() throws Exception {
        JsonObject before = stats();
        for (String section : new String[] {"messages", "connections", "authentication", "spam", "virus", "storage", "performance"}) {
            assertTrue(before.containsKey(section), section + " in " + before);
        }
        for (String field : new String[] {"received", "sent", "queued", "failed"}) {
            assertTrue(before.getJsonObject("messages").containsKey(field), field);
        }
        assertTrue(before.getJsonObject("spam").containsKey("rate"));
        assertTrue(before.getJsonObject("virus").containsKey("detected"));

        String rcpt = TestServer.uniqueMailbox("example.test");
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO stats.example");
            assertEquals("535 5.7.8 Error: authentication failed",
                    smtp.command("AUTH PLAIN " + Base64.getEncoder().encodeToString("\0nobody\0wrong-password".getBytes(StandardCharsets.UTF_8))));
            JsonObject during = stats();
            assertTrue(during.getJsonObject("connections").getInt("current") >= 1);
            smtp.command("MAIL FROM:<s@example.org>");
            smtp.command("RCPT TO:<" + rcpt + ">");
            smtp.command("DATA");
            smtp.send("Subject: stats\r\n\r\ncount me\r\n.\r\n");
            assertTrue(smtp.reply().startsWith("250 "));
        }

        JsonObject after = stats();
        assertTrue(after.getJsonObject("messages").getInt("received") >= before.getJsonObject("messages").getInt("received") + 1);
        assertTrue(after.getJsonObject("connections").getInt("total") >= before.getJsonObject("connections").getInt("total") + 1);
        assertTrue(after.getJsonObject("authentication").getInt("failed") >= before.getJsonObject("authentication").getInt("failed") + 1);
        assertTrue(after.getJsonObject("authentication").getInt("attempts") >= before.getJsonObject("authentication").getInt("attempts") + 1);
        assertTrue(after.getJsonObject("storage").getInt("messages_stored") >= before.getJsonObject("storage").getInt("messages_stored") + 1);
        assertTrue(after.getJsonObject("performance").getJsonNumber("avg_processing_ms").doubleValue() > 0);
        assertTrue(after.getJsonObject("performance").getJsonNumber("p99_processing_ms").doubleValue()
                >= after.getJsonObject("performance").getJsonNumber("p95_processing_ms").doubleValue());
    }

    @Test
    void onlyAdministratorsSeeStatistics() throws Exception {
        assertEquals(401, TestServer.api("GET", "/stats", null, null, null).statusCode());
        String user = TestServer.createUser("statsuser" + System.nanoTime() + "@example.test", "Stats-Pass-1");
        assertEquals(403, TestServer.api("GET", "/stats", null, user, "Stats-Pass-1").statusCode());
    }
}
