package org.mailforge.infrastructure.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailforge.infrastructure.outbound.TestDnsServer.a;
import static org.mailforge.infrastructure.outbound.TestDnsServer.mx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.outbound.MtaStsPolicy;
import org.mailforge.domain.outbound.MtaStsPolicyRepository;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.RecipientReply;

/** Hostile destinations (a tarpit, a domain with more MX hosts than an attempt may try) and the TLS policy. */
class SmtpOutboundTransportTest {

    private static SmtpOutboundTransport transport(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("SMTP_OUTBOUND_TLS", "none", "SMTP_OUTBOUND_TIMEOUT_SECONDS", "5"));
        all.putAll(settings);
        return new SmtpOutboundTransport(ServerConfiguration.load(name -> Optional.ofNullable(all.get(name))), new MtaStsPolicyRepository() {
            private final Map<String, MtaStsPolicy> policies = new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public Optional<MtaStsPolicy> find(String domain) {
                return Optional.ofNullable(policies.get(domain));
            }

            @Override
            public void save(MtaStsPolicy policy) {
                policies.put(policy.getDomain(), policy);
            }
        }, new MailMetrics() {
            @Override
            public void mtaSts(String outcome) {
            }
        });
    }

    /**
     * A peer that answers one octet every 200 ms never lets a read time out; the attempt's
     * wall-clock limit (2 s here) still ends it, closes the connection and defers the recipients.
     */
    @Test
    void aTarpitHoldsAnAttemptNoLongerThanItsDeadline() throws Exception {
        try (ServerSocket tarpit = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            AtomicInteger droppedByUs = new AtomicInteger();
            Thread peer = new Thread(() -> {
                try (Socket client = tarpit.accept(); OutputStream out = client.getOutputStream()) {
                    byte[] greeting = "220 tarpit.test ESMTP slowly".getBytes();
                    for (int i = 0; ; i = (i + 1) % greeting.length) {
                        out.write(greeting[i]);
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (IOException e) {
                    droppedByUs.incrementAndGet(); // the transport closed the connection
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            peer.start();
            SmtpOutboundTransport transport = transport(Map.of(
                    "SMTP_RELAY_HOST", "127.0.0.1", "SMTP_RELAY_PORT", String.valueOf(tarpit.getLocalPort()),
                    "SMTP_OUTBOUND_ATTEMPT_SECONDS", "2"));
            try {
                List<RecipientReply> replies = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> transport.deliver(
                        "remote.test", "a@example.test", List.of("b@remote.test", "c@remote.test"),
                        MessageContent.of("Subject: x\r\n\r\nx\r\n".getBytes()), false));
                assertEquals(2, replies.size());
                for (RecipientReply reply : replies) {
                    assertEquals(451, reply.reply().code(), reply.toString());
                    assertEquals("4.4.2", reply.reply().status(), reply.toString());
                    assertTrue(reply.reply().lines().get(0).contains("SMTP_OUTBOUND_ATTEMPT_SECONDS"), reply.toString());
                }
                peer.join(10_000);
                assertEquals(1, droppedByUs.get(), "the tarpit's connection was closed by the transport");
            } finally {
                transport.close();
            }
        }
    }

    /**
     * Eight MX hosts that each drop the connection: one attempt tries five of them, in preference
     * order; without SMTP_OUTBOUND_ALLOW_PRIVATE none, since they are all on loopback.
     */
    @Test
    void oneAttemptTriesAtMostFiveAddresses() throws Exception {
        List<ServerSocket> hosts = new ArrayList<>();
        List<Integer> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, List<org.xbill.DNS.Record>> zone = new HashMap<>();
        List<org.xbill.DNS.Record> mxRecords = new ArrayList<>();
        try {
            int port = 0;
            for (int i = 1; i <= 8; i++) {
                ServerSocket host = new ServerSocket();
                host.bind(new InetSocketAddress("127.0.0." + (40 + i), port));
                port = host.getLocalPort(); // every host listens on the same port, as MX hosts do on 25
                hosts.add(host);
                int number = i;
                Thread acceptor = new Thread(() -> {
                    while (!host.isClosed()) {
                        try (Socket client = host.accept()) {
                            accepted.add(number);
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                String name = "mx" + i + ".many.test.";
                mxRecords.add(mx("many.test.", 10 * i, name));
                zone.put(name, List.of(a(name, "127.0.0." + (40 + i))));
            }
            zone.put("many.test.", mxRecords);
            try (TestDnsServer dns = new TestDnsServer(zone)) {
                SmtpOutboundTransport transport = transport(Map.of("SMTP_DNS_SERVER", dns.address(),
                        "SMTP_MX_PORT", String.valueOf(port), "SMTP_OUTBOUND_ALLOW_PRIVATE", "true"));
                try {
                    List<RecipientReply> replies = transport.deliver("many.test", "a@example.test", List.of("b@many.test"),
                            MessageContent.of("Subject: x\r\n\r\nx\r\n".getBytes()), false);
                    assertEquals(451, replies.get(0).reply().code(), replies.toString());
                    assertEquals(List.of(1, 2, 3, 4, 5), List.copyOf(accepted));
                } finally {
                    transport.close();
                }
                // by default an MX on loopback or a private network is not contacted at all
                accepted.clear();
                SmtpOutboundTransport guarded = transport(Map.of("SMTP_DNS_SERVER", dns.address(), "SMTP_MX_PORT", String.valueOf(port)));
                try {
                    List<RecipientReply> replies = guarded.deliver("many.test", "a@example.test", List.of("b@many.test"),
                            MessageContent.of("Subject: x\r\n\r\nx\r\n".getBytes()), false);
                    assertEquals(550, replies.get(0).reply().code(), replies.toString());
                    assertEquals("5.4.4", replies.get(0).reply().status());
                    assertEquals(List.of(), List.copyOf(accepted), "no connection to a special-purpose address");
                } finally {
                    guarded.close();
                }
            }
        } finally {
            for (ServerSocket host : hosts) {
                host.close();
            }
        }
    }

    /**
     * A smarthost that offers no STARTTLS never sees the credentials: the recipients are deferred
     * and no AUTH command is sent, whatever SMTP_OUTBOUND_TLS says.
     */
    /**
     * A peer for one conversation: greets, answers EHLO with {@code extensions}, 354 to DATA,
     * 250 to the end of data and to everything else, and records every command line.
     */
    private static Thread peer(ServerSocket socket, List<String> commands, String... extensions) {
        Thread peer = new Thread(() -> {
            try (Socket client = socket.accept();
                 java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream()));
                 OutputStream out = client.getOutputStream()) {
                out.write("220 relay.test ESMTP\r\n".getBytes());
                boolean data = false;
                String line;
                while ((line = in.readLine()) != null) {
                    if (data) {
                        if (line.equals(".")) {
                            data = false;
                            out.write("250 2.0.0 queued\r\n".getBytes());
                        }
                        continue;
                    }
                    commands.add(line);
                    String verb = line.toUpperCase(java.util.Locale.ROOT);
                    StringBuilder reply = new StringBuilder();
                    if (verb.startsWith("EHLO")) {
                        reply.append(extensions.length == 0 ? "250 relay.test\r\n" : "250-relay.test\r\n");
                        for (int i = 0; i < extensions.length; i++) {
                            reply.append(i == extensions.length - 1 ? "250 " : "250-").append(extensions[i]).append("\r\n");
                        }
                    } else if (verb.equals("DATA")) {
                        data = true;
                        reply.append("354 go ahead\r\n");
                    } else if (verb.equals("QUIT")) {
                        out.write("221 bye\r\n".getBytes());
                        break;
                    } else {
                        reply.append("250 ok\r\n");
                    }
                    out.write(reply.toString().getBytes());
                    out.flush();
                }
            } catch (IOException e) {
                // the transport hung up
            }
        });
        peer.start();
        return peer;
    }

    private static List<RecipientReply> deliverThrough(ServerSocket relay, String... settings) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of("SMTP_RELAY_HOST", "127.0.0.1", "SMTP_RELAY_PORT", String.valueOf(relay.getLocalPort())));
        for (int i = 0; i < settings.length; i += 2) {
            all.put(settings[i], settings[i + 1]);
        }
        SmtpOutboundTransport transport = transport(all);
        try {
            return transport.deliver("remote.test", "a@example.test", List.of("b@remote.test"),
                    MessageContent.of("Subject: x\r\n\r\nx\r\n".getBytes()), false);
        } finally {
            transport.close();
        }
    }

    /**
     * A smarthost that offers no STARTTLS never sees the credentials: the recipients are deferred
     * and no AUTH command is sent, whatever SMTP_OUTBOUND_TLS says.
     */
    @Test
    void smarthostCredentialsAreNeverSentWithoutVerifiedTls() throws Exception {
        try (ServerSocket relay = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<String> commands = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread peer = peer(relay, commands, "AUTH PLAIN");
            List<RecipientReply> replies = deliverThrough(relay, "SMTP_OUTBOUND_TLS", "may",
                    "SMTP_RELAY_USERNAME", "relay-user", "SMTP_RELAY_PASSWORD", "relay-secret");
            assertEquals(451, replies.get(0).reply().code(), replies.toString());
            assertTrue(replies.get(0).reply().lines().get(0).contains("only sent over verified TLS"), replies.toString());
            peer.join(10_000);
            assertTrue(commands.stream().noneMatch(c -> c.toUpperCase(java.util.Locale.ROOT).startsWith("AUTH")), commands.toString());
        }
    }

    /** SMTP_OUTBOUND_TLS=encrypt: a destination without STARTTLS gets no message, and it is deferred, not lost. */
    @Test
    void encryptRefusesAPlaintextDestination() throws Exception {
        try (ServerSocket relay = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<String> commands = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread peer = peer(relay, commands, "PIPELINING", "8BITMIME");
            List<RecipientReply> replies = deliverThrough(relay, "SMTP_OUTBOUND_TLS", "encrypt");
            assertEquals(4, replies.get(0).reply().code() / 100, replies.toString());
            peer.join(10_000);
            assertTrue(commands.stream().noneMatch(c -> c.startsWith("MAIL") || c.equals("DATA")), commands.toString());
        }
    }

    /** SMTP_OUTBOUND_TLS=none: STARTTLS is never asked for, even when offered; the message goes in plaintext. */
    @Test
    void noneNeverStartsTls() throws Exception {
        try (ServerSocket relay = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<String> commands = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread peer = peer(relay, commands, "STARTTLS", "SIZE 1000000");
            List<RecipientReply> replies = deliverThrough(relay, "SMTP_OUTBOUND_TLS", "none");
            assertEquals(250, replies.get(0).reply().code(), replies.toString());
            peer.join(10_000);
            assertTrue(commands.stream().noneMatch(c -> c.equalsIgnoreCase("STARTTLS")), commands.toString());
            assertTrue(commands.contains("MAIL FROM:<a@example.test> SIZE=17"), commands.toString());
        }
    }

    @Test
    void specialPurposeAddressesAreKnown() throws Exception {
        for (String special : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1", "100.64.0.1",
                "0.0.0.0", "192.0.2.1", "198.18.0.1", "240.0.0.1", "255.255.255.255", "::1", "fe80::1", "fd00::1",
                "2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1")) {
            assertTrue(SpecialAddresses.isSpecial(InetAddress.getByName(special)), special);
        }
        for (String global : List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700::1111", "100.128.0.1")) {
            org.junit.jupiter.api.Assertions.assertFalse(SpecialAddresses.isSpecial(InetAddress.getByName(global)), global);
        }
    }

    @Test
    void credentialsWithoutASmarthostStopTheStart() {
        RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> ServerConfiguration.load(name -> Optional.ofNullable(Map.of("SMTP_RELAY_USERNAME", "u",
                        "SMTP_RELAY_PASSWORD", "p").get(name))));
        assertTrue(refused.getMessage().contains("SMTP_RELAY_USERNAME and SMTP_RELAY_PASSWORD need SMTP_RELAY_HOST"), refused.getMessage());
    }
}
