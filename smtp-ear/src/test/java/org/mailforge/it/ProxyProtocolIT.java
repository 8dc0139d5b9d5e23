package org.mailforge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol behind a load balancer (SMTP_PROXY_PROTOCOL_TRUSTED=127.0.0.1/32): the
 * address in the header is the client for the {@code Received:} header and the per-address
 * limits. Judged with hand-written version 1 and 2 headers, malformed ones, and a real HAProxy
 * with {@code send-proxy-v2} in front of the server.
 */
class ProxyProtocolIT {

    private static final int SMTP_PORT = TestPorts.port(2825);
    private static final int HTTP_PORT = TestPorts.port(2880);
    private static final int HAPROXY_PORT = TestPorts.port(2826);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static ExtraServer server;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = TestServer.DATA.resolveSibling("it-data-proxy");
        ExtraServer.deleteTree(data);
        server = new ExtraServer("mailforgeProxy", ExtraServer.basics(SMTP_PORT, HTTP_PORT, data), List.of(
                "SMTP_ADMIN_PASSWORD=proxy-admin-password",
                "SMTP_ENABLE_AUTH=false",
                "SMTP_PROXY_PROTOCOL_TRUSTED=127.0.0.1/32",
                "SMTP_MAX_CONNECTIONS_PER_IP=2",
                "SMTP_RATE_LIMIT_CONNECTIONS_PER_MINUTE=0"));
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aVersionOneHeaderNamesTheClientInTheTraceHeader() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
            smtp.send("PROXY TCP4 198.51.100.7 127.0.0.1 40000 " + SMTP_PORT + "\r\n");
            sendOneMessage(smtp, mailbox);
        }
        assertTrue(storedText(mailbox).contains("[198.51.100.7])"), storedText(mailbox));
    }

    @Test
    void aVersionTwoHeaderNamesAnIpv6Client() throws Exception {
        String mailbox = TestServer.uniqueMailbox("example.test");
        ByteBuffer addresses = ByteBuffer.allocate(36);
        addresses.put(InetAddress.getByName("2001:db8::9").getAddress()).put(InetAddress.getByName("::1").getAddress());
        addresses.putShort((short) 40000).putShort((short) SMTP_PORT);
        try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
            smtp.send(v2(0x21, 0x21, addresses.array()));
            sendOneMessage(smtp, mailbox);
        }
        assertTrue(storedText(mailbox).contains("[IPv6:2001:db8:0:0:0:0:0:9])"), storedText(mailbox));
    }

    /** From a trusted network, anything but a valid header ends the connection before a word is said. */
    @Test
    void aConnectionWithoutAValidHeaderIsClosedUnanswered() throws Exception {
        List<byte[]> openings = new ArrayList<>();
        openings.add("EHLO no-header.example\r\n".getBytes(StandardCharsets.US_ASCII));
        openings.add("PROXY TCP4 mail.example 127.0.0.1 40000 25\r\n".getBytes(StandardCharsets.US_ASCII));
        openings.add("PROXY TCP4 198.51.100.7 127.0.0.1 40000 25 and more\r\n".getBytes(StandardCharsets.US_ASCII));
        openings.add(("PROXY TCP4 198.51.100.7 127.0.0.1 40000 25" + "0".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        openings.add(v2(0x23, 0x11, new byte[12])); // command 3
        openings.add(v2(0x21, 0x11, new byte[6])); // addresses cut short
        for (byte[] opening : openings) {
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, SMTP_PORT)) {
                smtp.send(opening);
                assertNull(smtp.replyOrEnd(), "closed without a reply: " + new String(opening, StandardCharsets.ISO_8859_1).strip());
            }
        }
        try (SmtpConnection untrusted = new SmtpConnection(TestServer.HOST, SMTP_PORT, "127.0.0.2")) {
            assertTrue(untrusted.reply().startsWith("220 "), "an address outside the trusted networks sends no header");
        }
    }

    /** HAProxy's send-proxy-v2: the real client address reaches Received: and the per-address limit. */
    @Test
    void behindARealHaproxyTheClientsOwnAddressCounts() throws Exception {
        String haproxy = ExternalTools.requireCommand("haproxy");
        Path config = data.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n",
                "global",
                "    maxconn 200",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 60s",
                "    timeout server 60s",
                "frontend smtp",
                "    bind 127.0.0.1:" + HAPROXY_PORT,
                "    default_backend mailforge",
                "backend mailforge",
                "    server node1 127.0.0.1:" + SMTP_PORT + " send-proxy-v2",
                ""));
        Process proxy = new ProcessBuilder(haproxy, "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(data.resolve("haproxy.log").toFile()).start();
        try {
            TestServer.await(() -> TestServer.accepts("127.0.0.1", HAPROXY_PORT), Duration.ofSeconds(30), "HAProxy listens");
            String mailbox = TestServer.uniqueMailbox("example.test");
            try (SmtpConnection smtp = new SmtpConnection(TestServer.HOST, HAPROXY_PORT, "127.0.0.7")) {
                sendOneMessage(smtp, mailbox);
            }
            assertTrue(storedText(mailbox).contains("[127.0.0.7])"), storedText(mailbox));

            // SMTP_MAX_CONNECTIONS_PER_IP=2 counts 127.0.0.8, not HAProxy's own 127.0.0.1
            try (SmtpConnection first = new SmtpConnection(TestServer.HOST, HAPROXY_PORT, "127.0.0.8");
                 SmtpConnection second = new SmtpConnection(TestServer.HOST, HAPROXY_PORT, "127.0.0.8")) {
                assertTrue(first.reply().startsWith("220 "));
                assertTrue(second.reply().startsWith("220 "));
                try (SmtpConnection third = new SmtpConnection(TestServer.HOST, HAPROXY_PORT, "127.0.0.8")) {
                    assertEquals("421 4.7.0 localhost Error: too many concurrent connections from 127.0.0.8, try again later",
                            third.reply());
                }
                try (SmtpConnection other = new SmtpConnection(TestServer.HOST, HAPROXY_PORT, "127.0.0.9")) {
                    assertTrue(other.reply().startsWith("220 "), "another client behind the same proxy is not affected");
                }
            }
        } finally {
            proxy.destroy();
            proxy.waitFor();
        }
    }

    private static void sendOneMessage(SmtpConnection smtp, String mailbox) throws IOException {
        assertTrue(smtp.reply().startsWith("220 "));
        smtp.command("EHLO proxied.example");
        assertEquals("250 2.1.0 Ok", smtp.command("MAIL FROM:<someone@elsewhere.example>"));
        assertEquals("250 2.1.5 Ok", smtp.command("RCPT TO:<" + mailbox + ">"));
        assertTrue(smtp.command("DATA").startsWith("354"));
        smtp.send("Subject: through a proxy\r\n\r\nhello\r\n.\r\n");
        assertTrue(smtp.reply().startsWith("250 "));
        smtp.command("QUIT");
    }

    private static String storedText(String mailbox) throws IOException {
        List<Path> messages = TestServer.delivered(data.resolve("mail"), mailbox);
        assertEquals(1, messages.size(), "one message for " + mailbox);
        return Files.readString(messages.get(0));
    }

    private static byte[] v2(int versionCommand, int family, byte[] addresses) {
        ByteBuffer header = ByteBuffer.allocate(16 + addresses.length);
        header.put(V2_SIGNATURE).put((byte) versionCommand).put((byte) family).putShort((short) addresses.length).put(addresses);
        return header.array();
    }
}
