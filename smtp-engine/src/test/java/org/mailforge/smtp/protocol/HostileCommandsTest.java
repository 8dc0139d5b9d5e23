package org.mailforge.smtp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client input that must not reach headers, folders or the next hop: each refused with its own code. */
class HostileCommandsTest {

    @TempDir
    Path spool;

    private ScriptedSession run(String script) {
        return ScriptedSession.withDefaults(spool).run(script);
    }

    /** A bare CR in the EHLO argument used to land in our Received: header as a header of its own. */
    @Test
    void heloNamesAreDomainsOrAddressLiterals() {
        ScriptedSession s = run("EHLO a\rSubject:INJECTED\r\nHELO a\u0001b\r\nEHLO a/b\r\nEHLO a..b\r\nEHLO ok.example\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("501 5.5.4 Error: control characters are not allowed in commands", replies.get(1));
        assertEquals("501 5.5.4 Error: control characters are not allowed in commands", replies.get(2));
        assertEquals("501 5.5.4 Syntax: HELO/EHLO needs a domain name or an address literal", replies.get(3));
        assertEquals("501 5.5.4 Syntax: HELO/EHLO needs a domain name or an address literal", replies.get(4));
        assertTrue(replies.get(5).startsWith("250 "), replies.toString());
        for (String name : List.of("[192.0.2.1]", "[IPv6:2001:db8::1]", "client_1.example", "bücher.example", "localhost", "mx.example.")) {
            assertTrue(run("EHLO " + name + "\r\nQUIT\r\n").replies().get(1).startsWith("250 "), name);
        }
    }

    @Test
    void aSizeBeyondALongIsTooBigAndTheSessionGoesOn() {
        ScriptedSession s = run("EHLO c\r\nMAIL FROM:<a@example.org> SIZE=9999999999999999999\r\nMAIL FROM:<a@example.org> SIZE=100\r\nQUIT\r\n");
        List<String> replies = s.replies();
        assertEquals("552 5.3.4 Error: message size exceeds fixed limit of 10000 octets", replies.get(2));
        assertEquals("250 2.1.0 Ok", replies.get(3));
        assertEquals("221 2.0.0 Bye", replies.get(4));
    }

    @Test
    void bdatContentIsCrlfTextLikeData() {
        String prefix = "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\n";
        ScriptedSession bareLf = run(prefix + "BDAT 12 LAST\r\nSubject: x\n\n\r\nQUIT\r\n");
        assertEquals("550 5.6.0 Error: bare CR or LF in message text is not allowed (RFC 5321 2.3.8); use CRLF line endings",
                bareLf.replies().get(4));
        assertEquals(0, bareLf.delivered.size());
        // "a<CR>" then ".<CR>": the bare CR is seen across the chunk boundary
        ScriptedSession split = run(prefix + "BDAT 2\r\na\rBDAT 4 LAST\r\n.\r\r\nQUIT\r\n");
        assertTrue(split.replies().get(5).startsWith("550 5.6.0"), split.replies().toString());
        assertEquals(0, split.delivered.size());
        // a CRLF pair split between two chunks is fine
        ScriptedSession pair = run(prefix + "BDAT 13\r\nSubject: x\r\n\rBDAT 5 LAST\r\n\nok\r\nQUIT\r\n");
        assertTrue(pair.replies().get(5).startsWith("250 2.0.0"), pair.replies().toString());
        assertTrue(pair.delivered.get(0).text().endsWith("Subject: x\r\n\r\nok\r\n"));
    }

    @Test
    void addressesWithControlFormatOrBidiCharactersAreRefused() {
        for (String bad : List.of("a\u202Eb", "a\u2028b", "a\u0085b", "a\u200Db")) {
            ScriptedSession s = run("EHLO c\r\nMAIL FROM:<a@example.org> SMTPUTF8\r\nRCPT TO:<" + bad + "@example.test>\r\n"
                    + "MAIL FROM:<" + bad + "@example.org> SMTPUTF8\r\nQUIT\r\n");
            assertEquals("553 5.1.3 Error: control, format or bidi characters in an address are not allowed", s.replies().get(3),
                    "RCPT " + bad.codePoints().mapToObj(Integer::toHexString).toList());
            assertTrue(s.replies().get(4).startsWith("503 "), "nested MAIL: the first transaction is still open");
        }
        ScriptedSession sender = run("EHLO c\r\nMAIL FROM:<a\u202Eb@example.org> SMTPUTF8\r\nQUIT\r\n");
        assertEquals("553 5.1.3 Error: control, format or bidi characters in an address are not allowed", sender.replies().get(2));
    }

    @Test
    void addressesHaveOneSpelling() {
        String decomposed = "jose\u0301";
        ScriptedSession s = run("EHLO c\r\nMAIL FROM:<a@example.org> SMTPUTF8\r\nRCPT TO:<" + decomposed + "@example.test>\r\n"
                + "RCPT TO:<\"alice\"@example.test>\r\nRCPT TO:<\"two words\"@example.test>\r\nDATA\r\nSubject: x\r\n\r\nx\r\n.\r\nQUIT\r\n");
        assertTrue(s.replies().get(7).startsWith("250 2.0.0"), s.replies().toString());
        assertEquals(List.of("jos\u00e9@example.test", "alice@example.test", "\"two words\"@example.test"),
                s.delivered.get(0).message().recipients());
    }

    /** RFC 5321 6.3: a message that has been relayed this often is looping. */
    @Test
    void aMessageWithMoreThanFiftyReceivedHeadersIsALoop() {
        String prefix = "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n";
        String hop = "Received: from relay.example by relay.example; Tue, 1 Dec 2026 12:00:00 +0000\r\n";
        ScriptedSession looping = new ScriptedSession(bigSettings()).run(prefix + hop.repeat(50) + "Subject: loop\r\n\r\nx\r\n.\r\nQUIT\r\n");
        assertEquals("554 5.4.6 Error: too many hops (more than 50 Received: headers), mail loop?", looping.replies().get(5));
        assertEquals(0, looping.delivered.size());
        ScriptedSession fine = new ScriptedSession(bigSettings()).run(prefix + hop.repeat(49) + "Subject: ok\r\n\r\n"
                + "Received: in the body is no hop\r\n".repeat(5) + ".\r\nQUIT\r\n");
        assertTrue(fine.replies().get(5).startsWith("250 2.0.0"), fine.replies().toString());
        assertEquals(1, fine.delivered.size());
    }

    private SmtpSettings bigSettings() {
        return new SmtpSettings("mx.example.test", java.util.Set.of("example.test"), 1_000_000, 3,
                java.time.Duration.ofMinutes(5), java.time.Duration.ofMinutes(30), 10, 1024, spool, false, true, false, 3600, false, false);
    }

    @Test
    void hopsAreCountedInTheHeaderBlockOnly() throws Exception {
        String message = "Received: a\r\nreceived: b\r\nX-Received: c\r\nSubject: Received: d\r\n\r\nReceived: e\r\n";
        assertEquals(2, TraceHeader.hops(new java.io.ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)), 100));
    }

    /**
     * The same recipient named again is one recipient: one copy; but each naming counts toward
     * the limit (3 here), so endless repeats are not endless work.
     */
    @Test
    void duplicateRecipientsAreMerged() {
        ScriptedSession s = run("EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<b@EXAMPLE.test>\r\n"
                + "RCPT TO:<c@example.test>\r\n" + "RCPT TO:<b@example.test>\r\n".repeat(3) + "DATA\r\nSubject: x\r\n\r\nx\r\n.\r\nQUIT\r\n");
        assertEquals(List.of("250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "452 4.5.3 Error: too many recipients",
                "452 4.5.3 Error: too many recipients", "452 4.5.3 Error: too many recipients"), s.replies().subList(3, 9));
        assertEquals(List.of("b@example.test", "c@example.test"), s.delivered.get(0).message().recipients());
    }

    /** A fullwidth spelling of a local domain is that domain, for the relay decision and the mailbox alike. */
    @Test
    void domainsAreCanonicalisedOnce() {
        ScriptedSession s = run("EHLO c\r\nMAIL FROM:<a@example.org> SMTPUTF8\r\nRCPT TO:<bob@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.test>\r\n"
                + "RCPT TO:<carol@Stra\u00dfe.DE>\r\nDATA\r\nSubject: x\r\n\r\nx\r\n.\r\nQUIT\r\n");
        assertEquals("550 5.7.1 <carol@stra\u00dfe.de>: Relay access denied", s.replies().get(4), "not strasse.de, another registrant");
        assertEquals(List.of("bob@example.test"), s.delivered.get(0).message().recipients(), s.replies().toString());
    }

    @Test
    void theTraceHeaderWritesAnIpv6ClientAsAnAddressLiteralWithItsTag() {
        assertEquals("IPv6:2001:db8:0:0:0:0:0:9", TraceHeader.addressLiteral("2001:db8:0:0:0:0:0:9"));
        assertEquals("IPv6:fe80:0:0:0:0:0:0:1", TraceHeader.addressLiteral("fe80:0:0:0:0:0:0:1%eth0"), "no zone index");
        assertEquals("192.0.2.7", TraceHeader.addressLiteral("192.0.2.7"));
    }
}
