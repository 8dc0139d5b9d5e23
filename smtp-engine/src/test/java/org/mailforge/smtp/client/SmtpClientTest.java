package org.mailforge.smtp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.RecipientReply;

/**
 * The outbound client over two byte streams: what it writes for the extensions a server offers,
 * when it waits for replies, and how it reads them.
 */
class SmtpClientTest {

    /**
     * Serves one scripted reply per read and notes, when the client starts reading a reply, the
     * command lines it had sent by then: that tells pipelined from lock-step.
     */
    private static final class ScriptedServer extends InputStream {
        private final Deque<byte[]> replies = new ArrayDeque<>();
        private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        private final List<List<String>> sentBeforeReply = new ArrayList<>();
        private byte[] current = new byte[0];
        private int position;

        ScriptedServer(String... replies) {
            for (String reply : replies) {
                this.replies.add((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position == current.length) {
                if (replies.isEmpty()) {
                    return -1;
                }
                current = replies.poll();
                position = 0;
                sentBeforeReply.add(lines());
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }

        List<String> lines() {
            String text = sent.toString(StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\r\n", -1)).subList(0, text.split("\r\n", -1).length - 1);
        }

        SmtpClient client() {
            return new SmtpClient(this, sent);
        }
    }

    private static MessageContent message(String text) {
        return MessageContent.of(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void pipelinesTheEnvelopeWhenOfferedAndDeclaresSizeAndEightBit() throws IOException {
        ScriptedServer server = new ScriptedServer("220 mx.test ESMTP", "250-mx.test", "250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME",
                "250 2.1.0 ok", "250 2.1.5 ok", "550 5.1.1 no such user", "250 2.1.5 ok", "354 go ahead", "250 2.0.0 queued");
        SmtpClient client = server.client();
        client.greeting();
        assertEquals(250, client.hello("out.example.test").code());
        assertTrue(client.supports("pipelining"));
        assertEquals(1000, client.maxSize());
        String body = "Subject: caf\u00e9\r\n\r\n.leading dot\r\n";
        List<RecipientReply> replies = client.send("a@example.test", List.of("b@mx.test", "gone@mx.test", "c@mx.test"), message(body), false);

        List<String> lines = server.lines();
        int size = body.getBytes(StandardCharsets.UTF_8).length;
        assertEquals("MAIL FROM:<a@example.test> SIZE=" + size + " BODY=8BITMIME", lines.get(1));
        assertEquals(List.of("RCPT TO:<b@mx.test>", "RCPT TO:<gone@mx.test>", "RCPT TO:<c@mx.test>", "DATA"), lines.subList(2, 6));
        assertEquals(List.of("EHLO out.example.test", "MAIL FROM:<a@example.test> SIZE=" + size + " BODY=8BITMIME",
                "RCPT TO:<b@mx.test>", "RCPT TO:<gone@mx.test>", "RCPT TO:<c@mx.test>"), server.sentBeforeReply.get(3),
                "every RCPT was sent before the reply to MAIL was read (RFC 2920)");
        assertEquals("..leading dot", lines.get(8), "dot-stuffed");
        assertEquals(".", lines.get(9));

        assertEquals(List.of(250, 550, 250), replies.stream().map(r -> r.reply().code()).toList());
        assertEquals("2.0.0", replies.get(0).reply().status(), "accepted recipients carry the end-of-data verdict");
        assertEquals("5.1.1", replies.get(1).reply().status());
    }

    @Test
    void lmtpGreetsWithLhloAndReadsOneReplyPerAcceptedRecipientAfterTheMessage() throws IOException {
        ScriptedServer server = new ScriptedServer("220 lmtp.test LMTP", "250-lmtp.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES",
                "250 2.1.0 ok", "250 2.1.5 ok", "550 5.1.1 <gone@example.test> User doesn't exist", "250 2.1.5 ok", "354 go ahead",
                "250 2.0.0 <b@example.test> Saved", "552 5.2.2 <c@example.test> Quota exceeded");
        SmtpClient client = SmtpClient.lmtp(server, server.sent);
        client.greeting();
        assertEquals(250, client.hello("mx.example.test").code());
        List<RecipientReply> replies = client.send("a@remote.test",
                List.of("b@example.test", "gone@example.test", "c@example.test"), message("Subject: x\r\n\r\nx\r\n"), false);

        assertEquals("LHLO mx.example.test", server.lines().get(0));
        assertEquals(List.of(250, 550, 552), replies.stream().map(r -> r.reply().code()).toList(),
                "each accepted recipient has its own verdict after the message (RFC 2033 4.2)");
        assertEquals("5.2.2", replies.get(2).reply().status());
        assertTrue(replies.get(0).delivered());
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReplyAndSevenBitNeedsNoBody() throws IOException {
        ScriptedServer server = new ScriptedServer("220 mx.test", "250 mx.test", "250 ok", "250 ok", "354 go", "250 queued");
        SmtpClient client = server.client();
        client.greeting();
        client.hello("out.example.test");
        client.send("a@example.test", List.of("b@mx.test"), message("Subject: plain\r\n\r\nx\r\n"), false);
        assertEquals(List.of("EHLO out.example.test", "MAIL FROM:<a@example.test>"), server.sentBeforeReply.get(2),
                "RCPT waits for the reply to MAIL");
        assertEquals("MAIL FROM:<a@example.test>", server.lines().get(1), "no SIZE, no BODY: neither offered");
    }

    @Test
    void smtpUtf8IsDeclaredWhenTheMessageNeedsIt() throws IOException {
        ScriptedServer server = new ScriptedServer("220 mx.test", "250-mx.test\r\n250-SMTPUTF8\r\n250 8BITMIME",
                "250 ok", "250 ok", "354 go", "250 queued");
        SmtpClient client = server.client();
        client.greeting();
        client.hello("out.example.test");
        client.send("j\u00f6rg@example.test", List.of("b@mx.test"), message("Subject: x\r\n\r\nx\r\n"), true);
        assertEquals("MAIL FROM:<j\u00f6rg@example.test> SMTPUTF8", server.lines().get(1));
    }

    @Test
    void whenNoRecipientIsAcceptedTheContentIsNotSent() throws IOException {
        ScriptedServer server = new ScriptedServer("220 mx.test", "250-mx.test\r\n250 PIPELINING", "250 ok",
                "550 5.1.1 no", "451 4.3.0 later", "250 reset");
        SmtpClient client = server.client();
        client.greeting();
        client.hello("out.example.test");
        List<RecipientReply> replies = client.send("a@example.test", List.of("x@mx.test", "y@mx.test"), message("x\r\n"), false);
        assertEquals(List.of(550, 451), replies.stream().map(r -> r.reply().code()).toList());
        assertFalse(server.lines().contains("DATA"));
        assertEquals("RSET", server.lines().get(server.lines().size() - 1));
    }

    @Test
    void aRefusedSenderIsEveryRecipientsAnswer() throws IOException {
        ScriptedServer server = new ScriptedServer("220 mx.test", "250 mx.test", "553 5.7.1 sender rejected");
        SmtpClient client = server.client();
        client.greeting();
        client.hello("out.example.test");
        List<RecipientReply> replies = client.send("a@example.test", List.of("x@mx.test", "y@mx.test"), message("x\r\n"), false);
        assertEquals(List.of(553, 553), replies.stream().map(r -> r.reply().code()).toList());
        assertTrue(server.lines().stream().noneMatch(line -> line.startsWith("RCPT")));
    }

    @Test
    void authPlainSendsTheInitialResponse() throws IOException {
        ScriptedServer server = new ScriptedServer("235 2.7.0 ok");
        assertEquals(235, server.client().authPlain("relay-user", "s\u00e9cret").code());
        String line = server.lines().get(0);
        assertTrue(line.startsWith("AUTH PLAIN "), line);
        assertEquals("\0relay-user\0s\u00e9cret", new String(Base64.getDecoder().decode(line.substring(11)), StandardCharsets.UTF_8));
    }

    @Test
    void heloWhenEhloIsUnknown() throws IOException {
        ScriptedServer server = new ScriptedServer("500 5.5.1 what?", "250 old.test");
        assertEquals(250, server.client().hello("out.example.test").code());
        assertEquals(List.of("EHLO out.example.test", "HELO out.example.test"), server.lines());
    }

    @Test
    void malformedRepliesAreErrorsNotVerdicts() {
        for (String bad : new String[] {"hello", "25", "250-first\r\n251 second", "999 nine", "250x"}) {
            ScriptedServer server = new ScriptedServer(bad);
            assertThrows(IOException.class, () -> server.client().readReply(), bad);
        }
        ScriptedServer endless = new ScriptedServer("250-" + "x".repeat(5000));
        assertThrows(IOException.class, () -> endless.client().readReply(), "a reply line beyond 4096 octets");
    }
}
