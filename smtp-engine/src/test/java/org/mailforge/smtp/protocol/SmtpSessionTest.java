package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.smtp.spi.Reply;

class SmtpSessionTest {

    @TempDir
    Path spool;

    private ScriptedSession session() {
        return ScriptedSession.withDefaults(spool);
    }

    private static String transaction(String body) {
        return "EHLO client.example\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
                + body + ".\r\nQUIT\r\n";
    }

    @Test
    void greetsAndAdvertisesExtensions() {
        ScriptedSession s = session().run("EHLO client.example\r\nQUIT\r\n");
        List<String> lines = s.lines();
        assertEquals("220 mx.example.test ESMTP Mailforge", lines.get(0));
        assertEquals("250-mx.example.test Hello client.example [192.0.2.7]", lines.get(1));
        assertTrue(lines.containsAll(List.of("250-PIPELINING", "250-SIZE 10000", "250-8BITMIME", "250-SMTPUTF8",
                "250-ENHANCEDSTATUSCODES", "250-CHUNKING", "250-DELIVERBY 3600", "250 AUTH PLAIN LOGIN")), lines::toString);
        assertEquals("221 2.0.0 Bye", lines.get(lines.size() - 1));
    }

    @Test
    void completeTransactionDeliversContentWithTraceHeader() {
        ScriptedSession s = session().run(transaction("Subject: hi\r\n\r\nHello\r\n"));
        assertEquals(List.of("220 mx.example.test ESMTP Mailforge", "250 AUTH PLAIN LOGIN", "250 2.1.0 Ok",
                "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued", "221 2.0.0 Bye"), s.replies());
        assertEquals(1, s.delivered.size());
        ScriptedSession.Delivered d = s.delivered.get(0);
        assertEquals("alice@example.org", d.message().reversePath());
        assertEquals(List.of("bob@example.test"), d.message().recipients());
        assertTrue(d.text().startsWith("Received: from client.example (unknown [192.0.2.7])\r\n\tby mx.example.test (Mailforge) with ESMTP id "
                + d.message().sessionId() + "\r\n\tfor <bob@example.test>;\r\n\t"), d.text());
        assertTrue(d.text().endsWith("\r\nSubject: hi\r\n\r\nHello\r\n"), d.text());
    }

    @Test
    void removesDotStuffingAndKeepsEightBitBytesExactly() {
        byte[] body = "Subject: t\r\n\r\n..leading dot\r\n.\u00e9t\u00e9 caf\u00e9\r\n...\r\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        script.writeBytes("EHLO c\r\nMAIL FROM:<a@example.org> BODY=8BITMIME\r\nRCPT TO:<b@example.test>\r\nDATA\r\n".getBytes(StandardCharsets.US_ASCII));
        script.writeBytes(body);
        script.writeBytes(new byte[] {(byte) 0xff, (byte) 0x80, '\r', '\n'});
        script.writeBytes(".\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        ScriptedSession s = session().run(script.toByteArray());
        byte[] content = s.delivered.get(0).content();
        String text = new String(content, StandardCharsets.UTF_8);
        String expected = "Subject: t\r\n\r\n.leading dot\r\n\u00e9t\u00e9 caf\u00e9\r\n..\r\n";
        byte[] tail = java.util.Arrays.copyOfRange(content, content.length - expected.getBytes(StandardCharsets.UTF_8).length - 4, content.length);
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.writeBytes(expected.getBytes(StandardCharsets.UTF_8));
        want.writeBytes(new byte[] {(byte) 0xff, (byte) 0x80, '\r', '\n'});
        assertArrayEquals(want.toByteArray(), tail, text);
    }

    @Test
    void answersPipelinedCommandsInOrder() {
        StringBuilder script = new StringBuilder("EHLO c\r\n");
        for (int i = 0; i < 3; i++) {
            script.append("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<x@elsewhere.org>\r\nDATA\r\nSubject: ")
                    .append(i).append("\r\n\r\nbody\r\n.\r\n");
        }
        script.append("QUIT\r\n");
        ScriptedSession s = session().run(script.toString());
        List<String> replies = s.replies();
        for (int i = 0; i < 3; i++) {
            int base = 2 + i * 5;
            assertEquals("250 2.1.0 Ok", replies.get(base));
            assertEquals("250 2.1.5 Ok", replies.get(base + 1));
            assertTrue(replies.get(base + 2).startsWith("550 5.7.1 <x@elsewhere.org>"), replies.get(base + 2));
            assertTrue(replies.get(base + 3).startsWith("354"));
            assertEquals("250 2.0.0 Ok: queued", replies.get(base + 4));
        }
        assertEquals(3, s.delivered.size());
        assertEquals(List.of("b@example.test"), s.delivered.get(2).message().recipients());
    }

    @Test
    void enforcesCommandSequence() {
        ScriptedSession s = session().run("MAIL FROM:<a@example.org>\r\nEHLO c\r\nRCPT TO:<b@example.test>\r\nDATA\r\n"
                + "MAIL FROM:<a@example.org>\r\nDATA\r\nMAIL FROM:<a@example.org>\r\nRSET\r\nRCPT TO:<b@example.test>\r\nQUIT\r\n");
        assertEquals(List.of("220 mx.example.test ESMTP Mailforge",
                "503 5.5.1 Error: send HELO/EHLO first",
                "250 AUTH PLAIN LOGIN",
                "503 5.5.1 Error: need MAIL command",
                "503 5.5.1 Error: need MAIL command",
                "250 2.1.0 Ok",
                "503 5.5.1 Error: need RCPT command",
                "503 5.5.1 Error: nested MAIL command",
                "250 2.0.0 Ok",
                "503 5.5.1 Error: need MAIL command",
                "221 2.0.0 Bye"), s.replies());
        assertTrue(s.delivered.isEmpty());
    }

    @Test
    void asksTheApplicationAboutLocalRecipientsOnlyAndSurvivesItsFailure() {
        ScriptedSession s = session().verifyingRecipients(address -> switch (address) {
            case "nobody@example.test" -> Reply.of(550, "5.1.1", "<nobody@example.test>: Recipient address rejected: User unknown");
            case "broken@example.test" -> throw new IllegalStateException("database down");
            default -> null;
        }).run("EHLO c\r\nAUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
                ("\0" + ScriptedSession.USER + "\0" + ScriptedSession.PASSWORD).getBytes(StandardCharsets.UTF_8))
                + "\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<broken@example.test>\r\n"
                + "RCPT TO:<bob@example.test>\r\nRCPT TO:<friend@elsewhere.example>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown", replies.get(4));
        assertEquals("451 4.3.0 <broken@example.test>: cannot verify the recipient now, try again later", replies.get(5));
        assertEquals("250 2.1.5 Ok", replies.get(6));
        assertEquals("250 2.1.5 Ok", replies.get(7), "relayed for an authenticated user, not a local mailbox");
        assertEquals(List.of("nobody@example.test", "broken@example.test", "bob@example.test"), s.verified);
        assertEquals(2, s.delivered.get(0).message().recipients().size(), "only the accepted recipients");
    }

    @Test
    void refusesRelayingButAcceptsPostmasterAndLocalDomainsInAnyCase() {
        ScriptedSession s = session().run("HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<victim@gmail.com>\r\nRCPT TO:<Postmaster>\r\n"
                + "RCPT TO:<Bob@EXAMPLE.Test>\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("250 mx.example.test", replies.get(1));
        assertEquals("250 2.1.0 Ok", replies.get(2));
        assertEquals("550 5.7.1 <victim@gmail.com>: Relay access denied", replies.get(3));
        assertEquals("250 2.1.5 Ok", replies.get(4));
        assertEquals("250 2.1.5 Ok", replies.get(5));
    }

    @Test
    void limitsRecipientsPerTransaction() {
        ScriptedSession s = session().run("EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<r1@example.test>\r\n"
                + "RCPT TO:<r2@example.test>\r\nRCPT TO:<r3@example.test>\r\nRCPT TO:<r4@example.test>\r\nQUIT\r\n");
        assertEquals("452 4.5.3 Error: too many recipients", s.replies().get(6));
    }

    @Test
    void aRepeatedRecipientCountsTowardTheLimitButIsStoredOnce() {
        ScriptedSession s = session().run("EHLO c\r\nMAIL FROM:<a@example.org>\r\n" + "RCPT TO:<r1@example.test>\r\n".repeat(4)
                + "DATA\r\nSubject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n");
        assertEquals(List.of("250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "452 4.5.3 Error: too many recipients"),
                s.replies().subList(3, 7), "three names, then the limit of 3");
        assertEquals(List.of("r1@example.test"), s.delivered.get(0).message().recipients(), "one copy");
    }

    @Test
    void rejectsDeclaredAndActualOversizeButStaysUsable() {
        String big = "x".repeat(998) + "\r\n";
        ScriptedSession s = session().run("EHLO c\r\nMAIL FROM:<a@example.org> SIZE=10001\r\nMAIL FROM:<a@example.org> SIZE=500\r\n"
                + "RCPT TO:<b@example.test>\r\nDATA\r\n" + big.repeat(11) + ".\r\n"
                + "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nsmall\r\n.\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("552 5.3.4 Error: message size exceeds fixed limit of 10000 octets", replies.get(2));
        assertEquals("250 2.1.0 Ok", replies.get(3));
        assertEquals("552 5.3.4 Error: message size exceeds fixed limit of 10000 octets", replies.get(6));
        assertEquals("250 2.0.0 Ok: queued", replies.get(10));
        assertEquals(1, s.delivered.size());
    }

    @Test
    void bareLineFeedsAreRejectedAndCannotSmuggleASecondMessage() {
        String smuggling = "Subject: a\r\n\r\nfirst\n.\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nsmuggled\r\n";
        ScriptedSession s = session().run(transaction(smuggling));
        List<String> replies = s.replies();
        assertTrue(replies.get(5).startsWith("550 5.6.0 "), replies.toString());
        assertEquals("221 2.0.0 Bye", replies.get(6));
        assertTrue(s.delivered.isEmpty());
    }

    @Test
    void textLinesOfUpTo998CharactersPassAndLongerOnesAreRefused() {
        ScriptedSession ok = session().run(transaction("x".repeat(998) + "\r\n.." + "y".repeat(997) + "\r\n"));
        assertEquals("250 2.0.0 Ok: queued", ok.replies().get(5));
        ScriptedSession tooLong = session().run(transaction("x".repeat(999) + "\r\n"));
        assertTrue(tooLong.replies().get(5).startsWith("500 5.5.2 Error: message line longer than 998"), tooLong.replies().toString());
        assertTrue(tooLong.delivered.isEmpty());
    }

    @Test
    void bareCarriageReturnIsRejected() {
        ScriptedSession s = session().run(transaction("Subject: a\r\n\r\nx\ry\r\n"));
        assertTrue(s.replies().get(5).startsWith("550 5.6.0 "), s.replies().toString());
    }

    @Test
    void overlongCommandLineIsRefusedAndSessionContinues() {
        ScriptedSession s = session().run("EHLO c\r\nNOOP " + "a".repeat(600) + "\r\nNOOP\r\nQUIT\r\n");
        assertEquals(List.of("220 mx.example.test ESMTP Mailforge", "250 AUTH PLAIN LOGIN",
                "500 5.5.2 Error: line too long", "250 2.0.0 Ok", "221 2.0.0 Bye"), s.replies());
    }

    @Test
    void commandLineOfExactly512OctetsIsAccepted() {
        String line = "NOOP " + "a".repeat(512 - 5 - 2);
        ScriptedSession s = session().run("EHLO c\r\n" + line + "\r\nQUIT\r\n");
        assertEquals("250 2.0.0 Ok", s.replies().get(2));
    }

    @Test
    void closesAfterTooManyErrors() {
        ScriptedSession s = session().run("BOGUS\r\n".repeat(15) + "NOOP\r\n");
        List<String> replies = s.replies();
        assertEquals("500 5.5.2 Error: command not recognized", replies.get(1));
        assertEquals("421 4.7.0 Error: too many errors, closing connection", replies.get(replies.size() - 1));
        assertEquals(12, replies.size());
    }

    @Test
    void guessedRecipientsCountAsErrorsSoAGuesserIsCutOff() {
        // a forged SRS address or an unknown user is refused for good; guessing them is what a brute force does
        ScriptedSession s = session().verifyingRecipients(address -> address.startsWith("known")
                ? null : Reply.of(550, "5.1.1", "<" + address + ">: Recipient address rejected: User unknown"));
        s.run("EHLO c\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<known@example.test>\r\n"
                + "RCPT TO:<SRS0=AAAAAAAA=AB=victim.example=x@example.test>\r\n".repeat(15) + "NOOP\r\n");
        List<String> replies = s.replies();
        assertEquals("250 2.1.5 Ok", replies.get(3), "a good recipient is no error");
        assertEquals("421 4.7.0 Error: too many errors, closing connection", replies.get(replies.size() - 1));
        assertEquals(4 + 10 + 1, replies.size(), "ten refusals, then the session ends: no NOOP answered");
    }

    @Test
    void distinguishesUnknownFromUnimplementedCommands() {
        ScriptedSession s = session().run("EHLO c\r\nFOO\r\nEXPN staff\r\nVRFY bob\r\nHELP\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("500 5.5.2 Error: command not recognized", replies.get(2));
        assertEquals("502 5.5.1 Error: command not implemented", replies.get(3));
        assertTrue(replies.get(4).startsWith("252 2.5.2 "));
        assertTrue(replies.get(5).startsWith("214 2.0.0 Commands: ATRN AUTH BDAT DATA EHLO ETRN HELO HELP MAIL NOOP QUIT RCPT RSET STARTTLS VRFY"), replies.get(5));
    }

    @Test
    void internationalAddressesNeedSmtpUtf8() {
        ScriptedSession s = session().run("EHLO c\r\nMAIL FROM:<用户@例え.jp>\r\nMAIL FROM:<用户@例え.jp> SMTPUTF8\r\n"
                + "RCPT TO:<josé@example.test>\r\nDATA\r\nSubject: ü\r\n\r\nx\r\n.\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("553 5.6.7 Error: non-ASCII sender address needs SMTPUTF8", replies.get(2));
        assertEquals("250 2.1.0 Ok", replies.get(3));
        assertEquals("250 2.1.5 Ok", replies.get(4));
        assertEquals("用户@例え.jp", s.delivered.get(0).message().reversePath());
        assertTrue(s.delivered.get(0).message().smtpUtf8());
        assertTrue(s.delivered.get(0).text().contains(" with UTF8SMTP id "));
    }

    @Test
    void internationalDomainNamesMatchInEitherForm() {
        SmtpSettings settings = new SmtpSettings("mx.example.test", java.util.Set.of("bücher.example"), 10_000, 3,
                java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(1), 10, 1024, spool, false, false, false, 60, false, false);
        assertTrue(settings.isLocalDomain("BÜCHER.example"));
        assertTrue(settings.isLocalDomain("xn--bcher-kva.example"));
        assertTrue(settings.isLocalDomain("MX.Example.Test"));
        assertTrue(!settings.isLocalDomain("buecher.example"));
    }

    @Test
    void validatesAddressesAndParameters() {
        ScriptedSession s = session().run("EHLO c\r\nMAIL FROM:alice@example.org\r\nMAIL FROM:<a..b@example.org>\r\n"
                + "MAIL FROM:<a@example.org> FOO=1\r\nMAIL FROM:<a@example.org> BODY=BINARY\r\nMAIL FROM:<a@example.org> SIZE=x\r\n"
                + "MAIL FROM:<\"quoted name\"@example.org>\r\nRCPT TO:<b@[192.0.2.1]>\r\nRCPT TO:<@relay.example:b@example.test>\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("501 5.5.4 Syntax: MAIL FROM:<address>", replies.get(2));
        assertEquals("501 5.1.7 Error: bad sender address syntax", replies.get(3));
        assertEquals("555 5.5.4 Error: unsupported parameter FOO", replies.get(4));
        assertEquals("501 5.5.4 Error: BODY must be 7BIT or 8BITMIME", replies.get(5));
        assertEquals("501 5.5.4 Error: bad SIZE parameter", replies.get(6));
        assertEquals("250 2.1.0 Ok", replies.get(7));
        assertEquals("550 5.7.1 <b@[192.0.2.1]>: Relay access denied", replies.get(8));
        assertEquals("250 2.1.5 Ok", replies.get(9));
    }

    @Test
    void deliverByIsParsedValidatedAndHandedOn() {
        ScriptedSession s = session().run("EHLO c\r\nMAIL FROM:<a@example.org> BY=soon\r\nMAIL FROM:<a@example.org> BY=60;R\r\n"
                + "MAIL FROM:<a@example.org> BY=0;R\r\nMAIL FROM:<a@example.org> BY=7200;RT\r\nRCPT TO:<b@example.test>\r\n"
                + "DATA\r\nx\r\n.\r\nMAIL FROM:<a@example.org> BY=-10;N\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("501 5.5.4 Error: BY must be <seconds>;R or <seconds>;N, optionally with T", replies.get(2));
        assertEquals("555 5.5.4 Error: BY time below the minimum of 3600 seconds", replies.get(3));
        assertEquals("501 5.5.4 Error: BY must be <seconds>;R or <seconds>;N, optionally with T", replies.get(4));
        assertEquals("250 2.1.0 Ok", replies.get(5));
        assertEquals(new org.mailforge.smtp.spi.DeliverBy(7200, true, true), s.delivered.get(0).message().deliverBy());
        assertEquals("250 2.1.0 Ok", replies.get(9), "mode N may carry a time already past");
    }

    @Test
    void parametersNeedEhlo() {
        ScriptedSession s = session().run("HELO c\r\nMAIL FROM:<a@example.org> SIZE=10\r\nQUIT\r\n");
        assertEquals("555 5.5.4 Error: parameters need EHLO", s.replies().get(2));
    }

    @Test
    void listenerFailureBecomesTemporaryError() {
        ScriptedSession s = session().answering(m -> {
            throw new IllegalStateException("disk on fire");
        }).run(transaction("Subject: x\r\n\r\nx\r\n"));
        assertEquals("451 4.3.0 Error: local error in processing, try again later", s.replies().get(5));
    }

    @Test
    void listenerReplyIsPassedThrough() {
        ScriptedSession s = session().answering(m -> Reply.of(452, "4.3.1", "Error: insufficient system storage"))
                .run(transaction("x\r\n"));
        assertEquals("452 4.3.1 Error: insufficient system storage", s.replies().get(5));
    }

    @Test
    void largeMessagesAreSpooledAndIntact() {
        String body = ("y".repeat(70) + "\r\n").repeat(100);
        ScriptedSession s = session().run(transaction(body));
        assertTrue(s.delivered.get(0).text().endsWith(body));
        try (var files = java.nio.file.Files.list(spool)) {
            assertEquals(0, files.count(), "the spool file is removed after the transaction");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void idleTimeoutClosesWith421() {
        InputStream timingOut = new InputStream() {
            private final byte[] first = "EHLO c\r\n".getBytes(StandardCharsets.US_ASCII);
            private int position;

            @Override
            public int read() throws IOException {
                if (position < first.length) {
                    return first[position++];
                }
                throw new SocketTimeoutException("Read timed out");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= first.length) {
                    throw new SocketTimeoutException("Read timed out");
                }
                int n = Math.min(len, first.length - position);
                System.arraycopy(first, position, b, off, n);
                position += n;
                return n;
            }
        };
        ScriptedSession s = session().run(timingOut);
        List<String> replies = s.replies();
        assertEquals("421 4.4.2 mx.example.test Error: timeout exceeded", replies.get(replies.size() - 1));
    }

    /** A clock a test moves forward by hand. */
    private static final class ManualClock extends java.time.Clock {
        java.time.Instant now = java.time.Instant.parse("2026-12-01T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** A client that sends its script slowly: each read comes {@code pause} later by the clock. */
    private static final class PacedInput extends InputStream {
        private final byte[] script;
        private final ManualClock clock;
        private final java.time.Duration pause;
        private final boolean lineAtATime;
        private int position;
        int reads;

        PacedInput(byte[] script, ManualClock clock, java.time.Duration pause, boolean lineAtATime) {
            this.script = script;
            this.clock = clock;
            this.pause = pause;
            this.lineAtATime = lineAtATime;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= script.length) {
                return -1;
            }
            clock.now = clock.now.plus(pause);
            reads++;
            int end = position + 1; // one octet, or up to the end of the line
            while (lineAtATime && script[end - 1] != '\n') {
                end++;
            }
            int n = end - position;
            System.arraycopy(script, position, b, off, n);
            position = end;
            return n;
        }
    }

    /**
     * A slowloris inside DATA: one octet per read, each 10 s after the last (well inside the 5-minute
     * idle timeout). The 30-minute session deadline still ends it, mid-message, with 421 4.4.2, and
     * nothing is delivered.
     */
    @Test
    void theSessionDeadlineHoldsWhileTheClientTricklesInsideData() {
        ManualClock clock = new ManualClock();
        byte[] script = ("EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nSubject: slow\r\n\r\n"
                + "x".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
        PacedInput trickle = new PacedInput(script, clock, java.time.Duration.ofSeconds(10), false);
        ScriptedSession s = session().withClock(clock).run(trickle);
        List<String> replies = s.replies();
        assertEquals("354 End data with <CR><LF>.<CR><LF>", replies.get(replies.size() - 2), replies::toString);
        assertEquals("421 4.4.2 mx.example.test Error: session time limit exceeded", replies.get(replies.size() - 1));
        assertEquals(30 * 60 / 10, trickle.reads, "no read after the deadline");
        assertEquals(0, s.delivered.size());
    }

    /**
     * The read before the deadline is armed with the time left; a socket that times out a
     * millisecond before the session's clock gets there (millisecond rounding, two clocks) still
     * ends the session for its time limit, not as an idle client.
     */
    @Test
    void aReadArmedUntilTheDeadlineEndsWithTheSessionTimeLimit() {
        ManualClock clock = new ManualClock();
        PacedInput lines = new PacedInput("EHLO c\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII), clock,
                java.time.Duration.ofMinutes(14), true);
        InputStream thenSilence = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = lines.read(b, off, len);
                if (n >= 0) {
                    return n;
                }
                clock.now = clock.now.plus(java.time.Duration.ofMinutes(2)).minusMillis(1); // 28 min + 2 min - 1 ms
                throw new java.net.SocketTimeoutException("Read timed out");
            }
        };
        List<String> replies = session().withClock(clock).run(thenSilence).replies();
        assertEquals("421 4.4.2 mx.example.test Error: session time limit exceeded", replies.get(replies.size() - 1),
                replies::toString);
    }

    @Test
    void eachReadMayWaitTheIdleTimeoutButNeverPastTheDeadline() throws IOException {
        ManualClock clock = new ManualClock();
        List<Integer> timeouts = new java.util.ArrayList<>();
        byte[] script = "EHLO c\r\nNOOP\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream lines = new PacedInput(script, clock, java.time.Duration.ofMinutes(14), true); // 14 minutes of silence each
        SmtpTransport transport = new SmtpTransport() {
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();

            @Override
            public InputStream input() {
                return lines;
            }

            @Override
            public java.io.OutputStream output() {
                return out;
            }

            @Override
            public boolean tlsAvailable() {
                return false;
            }

            @Override
            public void startTls() {
                throw new UnsupportedOperationException();
            }

            @Override
            public String tlsDescription() {
                return null;
            }

            @Override
            public void readTimeout(int millis) {
                timeouts.add(millis);
            }
        };
        SmtpSettings settings = new SmtpSettings("mx.example.test", java.util.Set.of("example.test"), 10_000, 3,
                java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(30), 10, 1024, spool, false, false, false, 3600, false, false);
        new SmtpSession(settings, CommandRegistry.standard(), new ScriptedSession(settings).listenerForTests(),
                new ClientInfo("192.0.2.7", null), transport, clock).run();
        // reads at 0, 14 and 28 minutes: the idle timeout twice, then the 2 minutes left of the session
        assertEquals(List.of(300_000, 300_000, 120_000), timeouts);
    }

    @Test
    void randomInputNeverEscapesTheSession() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 300; round++) {
            byte[] noise = new byte[random.nextInt(4000)];
            random.nextBytes(noise);
            String prefix = round % 2 == 0 ? "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n" : "";
            ByteArrayOutputStream script = new ByteArrayOutputStream();
            script.writeBytes(prefix.getBytes(StandardCharsets.US_ASCII));
            script.writeBytes(noise);
            ScriptedSession s = session().run(script.toByteArray());
            assertTrue(s.raw().startsWith("220 "), "round " + round);
        }
    }
}
