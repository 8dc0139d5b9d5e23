package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The EAR deployed the way docs/deployment.md's "Into an existing Open Liberty" says: the operator's
 * own server.xml (its own feature and endpoint) includes Mailforge's configuration from the shared
 * configuration folder, the EAR goes to apps/, the JDBC drivers to lib/. Also pins down which
 * configuration source wins when a setting is given twice.
 */
class PlainLibertyIT {

    private static final int SMTP_PORT = TestPorts.port(1625);
    private static final int HTTP_PORT = TestPorts.port(1680);
    private static ExtraServer server;

    @BeforeAll
    static void deploy() throws Exception {
        Path data = TestServer.DATA.resolveSibling("it-data-plain");
        ExtraServer.deleteTree(data);
        server = new ExtraServer("mailforgePlain", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data),
                List.of("SMTP_ENABLE_AUTH=false", "SMTP_ADMIN_PASSWORD=plain-admin-password", "SMTP_HOSTNAME=from-server-env.example",
                        "SMTP_LOG_LEVEL=warn"));
        Path shared = Path.of(System.getProperty("it.wlp.home"), "usr/shared/config/mailforge");
        Files.createDirectories(shared);
        Files.move(server.folder().resolve("server.xml"), shared.resolve("mailforge.xml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // messaging-*.xml, console-*.xml and logging-*.xml stay in the server's folder (server.config.dir)
        Files.writeString(server.folder().resolve("server.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <server description="an existing Liberty server that also runs other applications">
                    <featureManager>
                        <feature>jsonp-2.1</feature>
                    </featureManager>
                    <applicationManager autoExpand="true"/>
                    <!-- Mailforge: features, endpoints, data source, messaging, the application -->
                    <include location="${shared.config.dir}/mailforge/mailforge.xml"/>
                </server>
                """);
        // bootstrap.properties is read before server.env's values reach the configuration
        Files.writeString(server.folder().resolve("bootstrap.properties"), "SMTP_HOSTNAME=from-bootstrap.example\n");
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @Test
    void takesMailAndAnswersItsApi() throws Exception {
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
            String greeting = smtp.reply();
            assertTrue(greeting.startsWith("220 from-bootstrap.example "), "bootstrap.properties wins over server.env: " + greeting);
        }
        assertTrue(SmtpConnection.deliver(SMTP_PORT, "someone@example.org", "postmaster@example.test",
                "Subject: plain Liberty\r\n\r\nhello\r\n").startsWith("250 2.0.0 "));
        assertEquals(200, TestServer.get(HTTP_PORT, "/health").statusCode());
        assertEquals(200, TestServer.api(HTTP_PORT, "GET", "/api/users", null, "admin", "plain-admin-password").statusCode());
    }

    /** SMTP_LOG_LEVEL=warn holds for Mailforge's loggers: none of their INFO lines (the listener's, the start's) is written. */
    @Test
    void theLogLevelHolds() throws Exception {
        String log = Files.readString(server.log());
        assertTrue(log.contains("org.mailforge.*=warning"), "the trace specification names the level");
        java.util.regex.Matcher info = java.util.regex.Pattern.compile("(?m)^\\[[^\\]]+\\] \\S+ org\\.mailforge\\S*\\s+I .*$").matcher(log);
        assertFalse(info.find(), () -> "an INFO line of Mailforge's at SMTP_LOG_LEVEL=warn: " + info.group());
    }
}
