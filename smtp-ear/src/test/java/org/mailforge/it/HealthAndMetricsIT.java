package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpResponse;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

/** The spec's /health on the API port; MicroProfile Health and Prometheus metrics on the metrics port. */
class HealthAndMetricsIT {

    @Test
    void healthHasTheSpecifiedShape() throws Exception {
        HttpResponse<String> response = TestServer.get(TestServer.HTTP_PORT, "/health");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals("healthy", health.getString("status"));
        assertEquals("0.14.0", health.getString("version"));
        assertTrue(health.getJsonNumber("uptime_seconds").longValue() >= 0);
        JsonObject connections = health.getJsonObject("connections");
        assertTrue(connections.getJsonNumber("active").longValue() >= 0);
        assertTrue(connections.getJsonNumber("total").longValue() >= 0);
        JsonObject memory = health.getJsonObject("memory");
        assertTrue(memory.getJsonNumber("allocated_mb").doubleValue() > 0);
        assertTrue(memory.getJsonNumber("heap_mb").doubleValue() > 0);
        assertTrue(memory.getJsonNumber("heap_mb").doubleValue() <= memory.getJsonNumber("allocated_mb").doubleValue());
    }

    @Test
    void healthCountsRealConnections() throws Exception {
        long before = totalConnections();
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            JsonObject during = healthJson();
            assertTrue(during.getJsonObject("connections").getJsonNumber("active").longValue() >= 1);
            smtp.command("QUIT");
        }
        assertTrue(totalConnections() >= before + 1);
    }

    private static JsonObject healthJson() throws Exception {
        return Json.createReader(new StringReader(TestServer.get(TestServer.HTTP_PORT, "/health").body())).readObject();
    }

    private static long totalConnections() throws Exception {
        return healthJson().getJsonObject("connections").getJsonNumber("total").longValue();
    }

    @Test
    void microProfileHealthIsUpOnTheMetricsPort() throws Exception {
        for (String path : new String[] {"/health/live", "/health/ready"}) {
            HttpResponse<String> response = TestServer.get(TestServer.METRICS_PORT, path);
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
            assertEquals("UP", health.getString("status"), path);
        }
    }

    @Test
    void apiPortDoesNotServeLibertyEndpointsAndMetricsPortDoesNotServeTheApi() throws Exception {
        assertEquals(404, TestServer.get(TestServer.HTTP_PORT, "/metrics").statusCode());
        assertTrue(TestServer.get(TestServer.METRICS_PORT, "/health").body().contains("\"checks\""),
                "on the metrics port /health is MicroProfile Health");
    }

    @Test
    void prometheusCountersFollowRealTraffic() throws Exception {
        double receivedBefore = metric("smtp_messages_received_total\\{[^}]*status=\"accepted\"[^}]*\\}");
        double connectionsBefore = metric("smtp_connections_total\\{[^}]*\\}");
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            smtp.reply();
            smtp.command("EHLO metrics.example");
            smtp.command("MAIL FROM:<m@example.org>");
            smtp.command("RCPT TO:<" + TestServer.uniqueMailbox("example.test") + ">");
            smtp.command("DATA");
            smtp.send("Subject: metrics\r\n\r\ncount me\r\n.\r\n");
            assertTrue(smtp.reply().startsWith("250 "));
            smtp.command("QUIT");
        }
        assertTrue(metric("smtp_messages_received_total\\{[^}]*status=\"accepted\"[^}]*\\}") >= receivedBefore + 1);
        assertTrue(metric("smtp_connections_total\\{[^}]*\\}") >= connectionsBefore + 1);
        assertTrue(metric("smtp_connections_active\\{[^}]*\\}") >= 0);
    }

    private static double metric(String seriesPattern) throws Exception {
        return TestServer.metric(seriesPattern);
    }
}
