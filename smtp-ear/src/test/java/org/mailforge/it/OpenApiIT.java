package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the server publishes describes every operation of every JAX-RS resource
 * in the REST module (found by reflection, so a new endpoint without documentation fails here),
 * each with its status codes, and the UI is served.
 */
class OpenApiIT {

    private static JsonObject document() throws Exception {
        HttpResponse<String> response = TestServer.get(TestServer.METRICS_PORT, "/openapi?format=JSON");
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    /** "GET /api/users/{username}" for every resource method of the REST module. */
    private static List<String> operationsInTheCode() throws Exception {
        File jar = new File(org.mailforge.interfaces.rest.AdminApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> operations = new ArrayList<>();
        try (JarFile classes = new JarFile(jar)) {
            for (Enumeration<JarEntry> entries = classes.entries(); entries.hasMoreElements();) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class") || name.contains("$")) {
                    continue;
                }
                Class<?> type = Class.forName(name.replace('/', '.').replace(".class", ""), false, OpenApiIT.class.getClassLoader());
                Path root = type.getAnnotation(Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    String verb = method.isAnnotationPresent(GET.class) ? "GET" : method.isAnnotationPresent(POST.class) ? "POST"
                            : method.isAnnotationPresent(PUT.class) ? "PUT" : method.isAnnotationPresent(DELETE.class) ? "DELETE"
                            : method.isAnnotationPresent(jakarta.ws.rs.PATCH.class) ? "PATCH" : null;
                    if (verb != null) {
                        Path sub = method.getAnnotation(Path.class);
                        operations.add(verb + " " + root.value() + (sub == null ? "" : "/" + sub.value()));
                    }
                }
            }
        }
        return operations;
    }

    @Test
    void everyOperationIsDocumentedWithItsStatusCodes() throws Exception {
        JsonObject paths = document().getJsonObject("paths");
        List<String> operations = operationsInTheCode();
        assertTrue(operations.size() >= 10, "found " + operations);
        for (String operation : operations) {
            String verb = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1).replace("//", "/");
            if (path.startsWith("/ui/")) { // the web UI's own sign-in, no API for other clients
                assertFalse(paths.containsKey(path), path + " is documented");
                continue;
            }
            assertTrue(paths.containsKey(path), path + " not in " + paths.keySet());
            JsonObject documented = paths.getJsonObject(path).getJsonObject(verb.toLowerCase(Locale.ROOT));
            assertTrue(documented != null, operation + " is not documented");
            assertFalse(documented.getString("summary", "").isBlank(), operation + " has no summary");
            JsonObject responses = documented.getJsonObject("responses");
            String success = responses.keySet().stream().filter(code -> code.startsWith("2")).findFirst()
                    .orElseThrow(() -> new AssertionError(operation + " names no success: " + responses));
            JsonObject content = responses.getJsonObject(success).getJsonObject("content");
            if (path.startsWith("/.well-known/")) { // RFC 8461's and RFC 8555's text/plain, for any sending server or ACME authority
                assertTrue(content.containsKey("text/plain"), operation + " is not text/plain");
            } else {
                assertTrue(content.getJsonObject("application/json").containsKey("schema"), operation + " has no body schema");
            }
            assertTrue(responses.containsKey("429"), operation + " names no 429");
            if (!path.equals("/health") && !path.startsWith("/.well-known/")) {
                assertTrue(responses.containsKey("401"), operation + " names no 401");
                // declared once for all operations (ApiDocumentFilter), with the error body
                assertTrue(responses.getJsonObject("401").getJsonObject("content").getJsonObject("application/json")
                        .getJsonObject("schema").getString("$ref").endsWith("/ApiError"), operation + "'s 401 has no ApiError body");
            }
        }
        JsonObject schemas = document().getJsonObject("components").getJsonObject("schemas");
        for (String schema : List.of("UserView", "UserPage", "QueuePage", "ApiError", "Confirmation", "DkimKeyView", "DnsRecordsView",
                "CertificateView", "DomainCheckView")) {
            assertTrue(schemas.containsKey(schema), schema + " not in " + schemas.keySet());
        }
        // the schemas name their fields (the JSON-B names), not only their types
        assertTrue(schemas.getJsonObject("UserView").getJsonObject("properties").containsKey("username"), schemas.getJsonObject("UserView").toString());
        assertTrue(schemas.getJsonObject("ApiError").getJsonObject("properties").containsKey("error"), schemas.getJsonObject("ApiError").toString());
        assertTrue(document().getJsonObject("components").getJsonObject("securitySchemes").containsKey("basic"));
        assertEquals("Mailforge admin API", document().getJsonObject("info").getString("title"));
    }

    @Test
    void theUiIsServed() throws Exception {
        HttpResponse<String> ui = TestServer.get(TestServer.METRICS_PORT, "/openapi/ui/");
        assertEquals(200, ui.statusCode());
        assertTrue(ui.body().toLowerCase(Locale.ROOT).contains("<html"), ui.body());
    }

    /**
     * "Try it out" works: every server the document names (HTTPS first, then HTTP) answers an
     * operation of the document, with the administrator's credentials.
     */
    @Test
    void theServersOfTheDocumentAreWhereTheApiIs() throws Exception {
        List<String> urls = document().getJsonArray("servers").getValuesAs(JsonObject.class).stream()
                .map(server -> server.getString("url")).toList();
        int https = Integer.getInteger("it.https.port", TestPorts.port(8444));
        assertEquals(List.of("https://localhost:" + https, "http://localhost:" + TestServer.HTTP_PORT), urls);
        TestServer.await(() -> TestServer.accepts("127.0.0.1", https), java.time.Duration.ofSeconds(60), "the API's HTTPS port opens");
        for (String url : urls) {
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/users"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            (TestServer.ADMIN + ":" + TestServer.ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .timeout(java.time.Duration.ofSeconds(30)).build();
            HttpResponse<String> users = TestServer.httpsClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, users.statusCode(), url + ": " + users.body());
            assertTrue(users.body().contains("\"username\":\"admin\""), url + ": " + users.body());
        }
    }
}
