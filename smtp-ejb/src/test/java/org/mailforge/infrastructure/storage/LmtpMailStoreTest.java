package org.mailforge.infrastructure.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mailforge.application.config.LmtpConfiguration;
import org.mailforge.domain.mail.Delivery;
import org.mailforge.domain.mail.Folder;
import org.mailforge.domain.mail.MailboxRefusal;
import org.mailforge.smtp.spi.MessageContent;

/**
 * What the LMTP store makes of an LMTP server's replies, against a scripted server on 127.0.0.1
 * (DovecotIT runs the real Dovecot): Junk goes to the +Junk detail, a server that misbehaves is a
 * temporary failure, and no reply text reaches our client unbounded or with control characters.
 */
class LmtpMailStoreTest {

    private ServerSocket server;
    private final List<String> commands = new CopyOnWriteArrayList<>();

    /** Serves one connection at a time: 220, then per command the reply the script gives (null: the usual). */
    private LmtpMailStore store(Function<String, String> script) throws IOException {
        server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread serving = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = client.getOutputStream();
                    out.write("220 lmtp.test LMTP ready\r\n".getBytes(StandardCharsets.US_ASCII));
                    int accepted = 0;
                    String line;
                    while ((line = in.readLine()) != null) {
                        commands.add(line);
                        String scripted = script.apply(line);
                        String reply;
                        if (line.equals("DATA")) {
                            out.write("354 go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
                            while (!(line = in.readLine()).equals(".")) {
                                commands.add("> " + line);
                            }
                            StringBuilder perRecipient = new StringBuilder();
                            for (int i = 0; i < accepted; i++) {
                                String own = script.apply("after-data " + i);
                                perRecipient.append(own != null ? own : "250 2.0.0 <x> Saved").append("\r\n");
                            }
                            reply = perRecipient.toString().strip();
                        } else if (line.startsWith("LHLO")) {
                            reply = "250-lmtp.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES";
                        } else if (line.startsWith("RCPT")) {
                            reply = scripted != null ? scripted : "250 2.1.5 OK";
                            accepted += reply.startsWith("2") ? 1 : 0;
                        } else if (line.equals("QUIT")) {
                            out.write("221 2.0.0 Bye\r\n".getBytes(StandardCharsets.US_ASCII));
                            break;
                        } else {
                            reply = scripted != null ? scripted : "250 2.0.0 OK";
                        }
                        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException e) {
                    // the test closed the server
                }
            }
        }, "scripted LMTP server");
        serving.setDaemon(true);
        serving.start();
        return new LmtpMailStore(new LmtpConfiguration("127.0.0.1", server.getLocalPort()), "mx.example.test");
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static MessageContent message() {
        return MessageContent.of("Subject: x\r\n\r\n.leading dot\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void oneTransactionForAllMailboxesWithAVerdictForEach() throws Exception {
        LmtpMailStore store = store(line -> line.equals("after-data 1") ? "452 4.2.2 <b@example.test> Quota exceeded" : null);
        Delivery delivery = store.storeAll(List.of("a@example.test", "b@example.test"), Folder.INBOX, "sender@remote.test", message());
        assertEquals(List.of("a@example.test"), delivery.stored().stream().map(l -> l.mailbox()).toList());
        assertEquals(List.of(new MailboxRefusal("b@example.test", 452, "4.2.2", "<b@example.test> Quota exceeded")), delivery.refused());
        assertEquals(List.of("LHLO mx.example.test", "MAIL FROM:<sender@remote.test>", "RCPT TO:<a@example.test>",
                "RCPT TO:<b@example.test>", "DATA", "> Subject: x", "> ", "> ..leading dot", "QUIT"), commands);
    }

    @Test
    void junkGoesToTheJunkDetailAndTheNullSenderStaysNull() throws Exception {
        LmtpMailStore store = store(line -> null);
        store.store("carol@example.test", Folder.JUNK, "", message());
        assertTrue(commands.contains("MAIL FROM:<>"), commands.toString());
        assertTrue(commands.contains("RCPT TO:<carol+Junk@example.test>"), commands.toString());
    }

    @Test
    void aRefusalAtRcptIsTheProbesAnswerAndStrangeRepliesAreTemporary() throws Exception {
        String noise = "x".repeat(2000);
        LmtpMailStore store = store(line -> line.contains("ghost") ? "550 5.1.1 <ghost@example.test> User doesn't exist\u0007"
                : line.contains("odd") ? "354 " + noise : null);
        assertEquals("<ghost@example.test> User doesn't exist?", store.probe("ghost@example.test").orElseThrow().text(),
                "control characters replaced");
        assertTrue(store.probe("carol@example.test").isEmpty());
        MailboxRefusal odd = store.probe("odd@example.test").orElseThrow();
        assertEquals(451, odd.code(), "a 3xx to RCPT is no answer our client may hear");
        assertTrue(odd.text().length() < 400, "cut to fit a reply line: " + odd.text().length());
    }

    @Test
    void aServerThatIsNotThereIsAnIoErrorAndReadinessSaysSo() throws Exception {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort(); // free again once closed: nothing listens there
        }
        LmtpMailStore gone = new LmtpMailStore(new LmtpConfiguration("127.0.0.1", port), "mx.example.test");
        assertThrows(IOException.class, () -> gone.probe("carol@example.test"));
        assertThrows(IOException.class, () -> gone.store("carol@example.test", Folder.INBOX, "", message()));
        assertEquals(List.of("LMTP storage unavailable (details in the server log)"), gone.problems());
    }
}
