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
        HttpResponse<String> response;
        try (SmtpConnection open = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            open.reply(); // one session is open while /health is asked
            response = TestServer.get(TestServer.HTTP_PORT, "/health");
        }
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals("healthy", health.getString("status"));
        assertEquals("0.14.0", health.getString("version"));
        assertTrue(health.getJsonNumber("uptime_seconds").longValue() >= 1, "the server started before the tests");
        JsonObject connections = health.getJsonObject("connections");
        long active = connections.getJsonNumber("active").longValue();
        assertTrue(active >= 1, "the open session: " + connections);
        assertTrue(connections.getJsonNumber("total").longValue() >= active, connections.toString());
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
        double connectionsBefore = metric(TestServer.series("smtp_connections_total", "listener", "smtp"));
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
        TestServer.awaitMetric(TestServer.METRICS_PORT, TestServer.series("smtp_connections_total", "listener", "smtp"), connectionsBefore + 1);
        try (SmtpConnection open = new SmtpConnection(TestServer.HOST, TestServer.SMTP_PORT)) {
            open.reply();
            assertTrue(metric(TestServer.series("smtp_connections_active", "listener", "smtp")) >= 1, "the session open now is counted");
        }
    }

    /** Every metric of the specification, parsed by the Prometheus project's own Python client. */
    @Test
    void theMetricsTextParsesAndHasEverySpecifiedFamily() throws Exception {
        String python = ExternalTools.requirePython("prometheus_client");
        String text = TestServer.get(TestServer.METRICS_PORT, "/metrics").body();
        Process parser = new ProcessBuilder(python, "-c", String.join("\n",
                "import sys, json",
                "from prometheus_client.parser import text_string_to_metric_families",
                "families = {}",
                "for f in text_string_to_metric_families(sys.stdin.read()):",
                "    families[f.name] = {'type': f.type, 'samples': [[s.name, s.labels] for s in f.samples]}",
                "print(json.dumps(families))")).redirectErrorStream(true).start();
        parser.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        parser.getOutputStream().close();
        String output = new String(parser.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(parser.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, parser.exitValue(), "the Prometheus parser refused the text: " + output);
        JsonObject families = Json.createReader(new StringReader(output)).readObject();

        assertFamily(families, "smtp_messages_received", "counter", "status", "accepted", "rejected");
        assertFamily(families, "smtp_messages_sent", "counter", "status", "delivered", "failed");
        assertFamily(families, "smtp_auth_attempts", "counter", "result", "success", "failure");
        assertFamily(families, "smtp_spam_detected", "counter", null);
        assertFamily(families, "smtp_virus_detected", "counter", null);
        // one series per listener: the test server runs all three
        String[] listeners = {"smtp", "submission", "submissions"};
        assertFamily(families, "smtp_connections_active", "gauge", "listener", listeners);
        // what only grows is a counter (the parser names the family without _total)
        assertFamily(families, "smtp_connections", "counter", "listener", listeners);
        assertFamily(families, "smtp_connections_refused", "counter", "listener", listeners);
        assertFamily(families, "smtp_connections_refused_per_address", "counter", "listener", listeners);
        assertFamily(families, "smtp_stress_timeouts", "counter", "listener", listeners);
        assertFamily(families, "smtp_rate_limited", "counter", "limit", "connections", "commands", "auth_failures", "messages");
        assertFamily(families, "smtp_rate_limited", "counter", "listener", "smtp", "submission", "submissions", "api");
        assertFamily(families, "smtp_messages_queued", "gauge", null);
        assertFamily(families, "smtp_memory_bytes", "gauge", null);
        assertFamily(families, "smtp_processing_duration_seconds", "histogram", "le", "+Inf");
        assertFamily(families, "smtp_message_size_bytes", "histogram", "le", "+Inf");
    }

    private static void assertFamily(JsonObject families, String name, String type, String label, String... values) {
        assertTrue(families.containsKey(name), name + " missing; families: " + families.keySet());
        JsonObject family = families.getJsonObject(name);
        assertEquals(type, family.getString("type"), name);
        if (label == null) {
            return;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (var sample : family.getJsonArray("samples")) {
            JsonObject labels = sample.asJsonArray().getJsonObject(1);
            if (labels.containsKey(label)) {
                seen.add(labels.getString(label));
            }
        }
        for (String value : values) {
            assertTrue(seen.contains(value), name + " has no series with " + label + "=" + value + ": " + family);
        }
    }

    private static double metric(String seriesPattern) throws Exception {
        return TestServer.metric(seriesPattern);
    }
}
