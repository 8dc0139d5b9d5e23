package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;

/**
 * The Liberty admin console (adminCenter): served on HTTPS only, for the administrator of
 * src/it/liberty/server.env. The console's own REST API, which its pages call, stands in for a
 * browser: it answers the administrator and refuses anyone else.
 */
class AdminConsoleIT {

    private static final int PORT = Integer.getInteger("it.console.port", TestPorts.port(8443));

    private static HttpClient client() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the console's certificate is generated at first start: self-signed
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static HttpResponse<String> get(String url, String user, String password) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return client().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theConsoleIsServedOverHttpsBehindItsLogin() throws Exception {
        HttpResponse<String> console = get("https://127.0.0.1:" + PORT + "/adminCenter/", null, null);
        assertEquals(302, console.statusCode());
        assertEquals("https://127.0.0.1:" + PORT + "/adminCenter/login.jsp", console.headers().firstValue("Location").orElse(null));
        HttpResponse<String> login = get("https://127.0.0.1:" + PORT + "/adminCenter/login.jsp", null, null);
        assertEquals(200, login.statusCode());
        assertTrue(login.body().contains("j_security_check"), "a login form");

        // the metrics port (all interfaces, plain HTTP) shares the virtual host but never serves the console
        HttpResponse<String> plain = get("http://127.0.0.1:" + TestServer.METRICS_PORT + "/adminCenter/login.jsp", null, null);
        assertEquals(403, plain.statusCode(), "the console needs its own HTTPS port");
        assertTrue(!plain.body().contains("j_security_check"), plain.body());
    }

    @Test
    void onlyTheAdministratorGetsIn() throws Exception {
        String toolbox = "https://127.0.0.1:" + PORT + "/ibm/api/adminCenter/v1/toolbox";
        assertEquals(200, get(toolbox, "admin", "it-console-password").statusCode());
        assertEquals(401, get(toolbox, "admin", "not-the-password").statusCode());
        assertEquals(401, get(toolbox, null, null).statusCode());
    }
}
