package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unhealthy conditions of /health and MicroProfile Health, made reachable by configuration on
 * a server of their own: a free-disk minimum of 100 %, a heap maximum of 1 %, and at most two
 * refused SMTP connections a minute (one connection a minute allowed from 127.0.0.2). Refused
 * connections are named in /health but never reach readiness: clients cause them.
 */
class HealthRulesIT {

    private static final int SMTP_PORT = TestPorts.port(225);
    private static final int HTTP_PORT = TestPorts.port(280);
    private static ExtraServer server;

    @BeforeAll
    static void start() throws Exception {
        Path data = TestServer.DATA.resolveSibling("it-data-health");
        ExtraServer.deleteTree(data);
        server = new ExtraServer("mailforgeHealth", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=health-admin-password",
                "SMTP_HEALTH_MIN_FREE_DISK_PERCENT=100",
                "SMTP_HEALTH_MAX_HEAP_PERCENT=1",
                "SMTP_HEALTH_MAX_FAILED_CONNECTIONS_PER_MINUTE=2",
                "SMTP_RATE_LIMIT_CONNECTIONS_PER_MINUTE=1"));
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private static List<String> reasons() throws Exception {
        HttpResponse<String> response = TestServer.get(HTTP_PORT, "/health");
        assertEquals(503, response.statusCode(), response.body());
        JsonObject health = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals("unhealthy", health.getString("status"));
        return health.getJsonArray("reasons").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
    }

    @Test
    void eachConditionIsNamedAndFlipsBothHealthEndpoints() throws Exception {
        List<String> reasons = reasons();
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("free disk space on the storage volume is")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("heap use is") && r.contains("after the last collection")),
                "measured as a collection left it, inside Liberty too: " + reasons);
        assertTrue(reasons.stream().noneMatch(r -> r.startsWith("refused SMTP connections")), "none refused yet: " + reasons);

        HttpResponse<String> ready = TestServer.get(HTTP_PORT + 1, "/health/ready");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("free disk space"), ready.body());
        HttpResponse<String> live = TestServer.get(HTTP_PORT + 1, "/health/live");
        assertEquals(503, live.statusCode());
        assertTrue(live.body().contains("heap use"), live.body());

        int refused = 0;
        for (int i = 0; i < 4; i++) {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.2")) {
                if (smtp.reply().startsWith("421 4.7.0")) {
                    refused++;
                }
            }
        }
        assertEquals(3, refused, "one connection a minute from 127.0.0.2");
        List<String> after = reasons();
        assertTrue(after.contains("refused SMTP connections in the last minute: 3 (above 2)"), after.toString());
        HttpResponse<String> readyAfter = TestServer.get(HTTP_PORT + 1, "/health/ready");
        assertTrue(readyAfter.body().contains("free disk space"), readyAfter.body());
        assertTrue(!readyAfter.body().contains("refused SMTP connections"), "readiness never counts what clients do: " + readyAfter.body());
    }
}
