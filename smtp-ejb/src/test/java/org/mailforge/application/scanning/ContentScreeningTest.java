package org.mailforge.application.scanning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.domain.mail.Folder;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;

/** The verdicts of content screening, with scanners that answer what each case needs. */
class ContentScreeningTest {

    private final List<String> counted = new ArrayList<>();
    private final List<String> published = new ArrayList<>();

    private static final VirusScanner CLEAN = scanner(() -> VirusVerdict.CLEAN);
    private static final VirusScanner INFECTED = scanner(() -> new VirusVerdict(true, "Eicar-Test-Signature"));
    private static final VirusScanner VIRUS_DOWN = scanner(() -> {
        throw new ScannerUnavailableException("clamd: connection refused");
    });

    private interface Answer<T> {
        T get() throws ScannerUnavailableException;
    }

    private static VirusScanner scanner(Answer<VirusVerdict> answer) {
        return new VirusScanner() {
            @Override
            public VirusVerdict scan(MessageContent content) throws ScannerUnavailableException {
                return answer.get();
            }

            @Override
            public boolean ping() {
                return true;
            }

            @Override
            public String describe() {
                return "clamd (test)";
            }
        };
    }

    private static SpamScanner spam(Answer<SpamVerdict> answer) {
        return new SpamScanner() {
            @Override
            public SpamVerdict check(MessageContent content) throws ScannerUnavailableException {
                return answer.get();
            }

            @Override
            public boolean ping() {
                return true;
            }

            @Override
            public String describe() {
                return "spamd (test)";
            }
        };
    }

    private static final SpamScanner SPAM = spam(() -> new SpamVerdict(true, 1000.0, 5.0, List.of("GTUBE")));
    private static final SpamScanner HAM = spam(() -> new SpamVerdict(false, -1.0, 5.0, List.of()));

    private ContentScreening screening(Scanners scanners, String... settings) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        ContentScreening screening = new ContentScreening();
        screening.configuration = ServerConfiguration.load(name -> Optional.ofNullable(values.get(name)));
        screening.scanners = scanners;
        screening.metrics = new MailMetrics() {
            @Override
            public void spamDetected() {
                counted.add("spam");
            }

            @Override
            public void virusDetected() {
                counted.add("virus");
            }

            @Override
            public void scannerUnavailable(String scanner) {
                counted.add("unavailable " + scanner);
            }
        };
        screening.events = new ServerEvents() {
            @Override
            public void publish(String event, Supplier<Map<String, Object>> data) {
                published.add(event + " " + data.get().get("message_id"));
            }
        };
        screening.init();
        return screening;
    }

    private static InboundMessage message(String text) {
        return new InboundMessage("s1", "192.0.2.1", "client.example", "sender@example.org", List.of("rcpt@example.test"),
                MessageContent.of(text.getBytes(StandardCharsets.US_ASCII)), Instant.EPOCH, false, null, null);
    }

    private static String text(MessageContent content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        content.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void withoutScannersTheMessageIsUntouched() throws Exception {
        InboundMessage message = message("Subject: hi\r\n\r\nhello\r\n");
        var accepted = assertInstanceOf(ContentScreening.Accept.class, screening(new Scanners(null, null)).screen(message));
        assertEquals(message.content(), accepted.content());
        assertEquals(Folder.INBOX, accepted.folder());
    }

    @Test
    void aVirusIsRefusedAndNeverReachesTheSpamCheck() {
        var refused = assertInstanceOf(ContentScreening.Refuse.class,
                screening(new Scanners(INFECTED, spam(() -> {
                    throw new AssertionError("not asked after a virus");
                }))).screen(message("x\r\n")));
        assertEquals("554 5.7.1 Error: message refused, virus found: Eicar-Test-Signature", refused.reply().render().strip());
        assertEquals(List.of("virus"), counted);
        assertEquals(List.of("virus.detected msg_s1"), published);
    }

    @Test
    void spamIsTaggedByDefaultWithSpamAssassinsHeaders() throws Exception {
        var accepted = assertInstanceOf(ContentScreening.Accept.class,
                screening(new Scanners(CLEAN, SPAM)).screen(message("Subject: buy\r\n\r\nnow\r\n")));
        assertEquals(Folder.INBOX, accepted.folder());
        assertEquals("X-Spam-Flag: YES\r\nX-Spam-Score: 1000.0\r\nX-Spam-Status: Yes, score=1000.0 required=5.0\r\n\ttests=GTUBE\r\n"
                + "Subject: buy\r\n\r\nnow\r\n", text(accepted.content()));
        assertEquals(List.of("spam"), counted);
    }

    @Test
    void spamIsRefusedOrQuarantinedAsConfigured() {
        var refused = assertInstanceOf(ContentScreening.Refuse.class,
                screening(new Scanners(null, SPAM), "SMTP_SPAM_ACTION", "reject").screen(message("x\r\n")));
        assertEquals(550, refused.reply().code());
        var quarantined = assertInstanceOf(ContentScreening.Accept.class,
                screening(new Scanners(null, SPAM), "SMTP_SPAM_ACTION", "quarantine").screen(message("x\r\n")));
        assertEquals(Folder.JUNK, quarantined.folder());
        var ham = assertInstanceOf(ContentScreening.Accept.class,
                screening(new Scanners(null, HAM), "SMTP_SPAM_ACTION", "reject").screen(message("x\r\n")));
        assertEquals(Folder.INBOX, ham.folder());
    }

    @Test
    void aScannerThatDoesNotAnswerDefersUnlessFailingOpen() throws Exception {
        var deferred = assertInstanceOf(ContentScreening.Refuse.class,
                screening(new Scanners(VIRUS_DOWN, HAM)).screen(message("x\r\n")));
        assertEquals("451 4.7.1 Error: content scanner unavailable, try again later", deferred.reply().render().strip());
        var passed = assertInstanceOf(ContentScreening.Accept.class,
                screening(new Scanners(VIRUS_DOWN, HAM), "SMTP_SCANNER_FAIL_OPEN", "true").screen(message("x\r\n")));
        assertTrue(text(passed.content()).startsWith("X-Mailforge-Scan: virus scan skipped, scanner unavailable\r\n"),
                text(passed.content()));
        assertEquals(List.of("unavailable clamav", "unavailable clamav"), counted);
    }

    @Test
    void aMessageOverTheScanLimitIsMarkedNotScanned() throws Exception {
        var accepted = assertInstanceOf(ContentScreening.Accept.class,
                screening(new Scanners(INFECTED, SPAM), "SMTP_SCAN_MAX_SIZE", "10").screen(message("Subject: long enough\r\n\r\n")));
        assertTrue(text(accepted.content()).startsWith("X-Mailforge-Scan: skipped, 24 octets is over the scan limit of 10\r\n"),
                text(accepted.content()));
        assertEquals(List.of(), counted, "no scanner was asked");
    }

    @Test
    void rspamdsOwnRejectAndSoftRejectDecideWhateverSmtpSpamActionSays() {
        SpamScanner reject = spam(() -> new SpamVerdict(true, 15.0, 15.0, List.of("GTUBE"), SpamVerdict.Action.REJECT));
        var refused = assertInstanceOf(ContentScreening.Refuse.class,
                screening(new Scanners(null, reject), "SMTP_SPAM_ACTION", "tag").screen(message("x\r\n")));
        assertEquals("554 5.7.1 Error: message refused as spam", refused.reply().render().strip());
        assertEquals(List.of("spam"), counted);
        assertEquals(List.of("spam.detected msg_s1"), published);
        SpamScanner defer = spam(() -> new SpamVerdict(false, 6.0, 15.0, List.of(), SpamVerdict.Action.DEFER));
        var deferred = assertInstanceOf(ContentScreening.Refuse.class,
                screening(new Scanners(null, defer), "SMTP_SPAM_ACTION", "tag").screen(message("x\r\n")));
        assertEquals("451 4.7.1 Error: message deferred by the spam filter, try again later", deferred.reply().render().strip());
    }

    @Test
    void ourOwnNotificationIsNeverRefusedBySpamVerdictsOrAMissingScanner() {
        SpamScanner reject = spam(() -> new SpamVerdict(true, 15.0, 15.0, List.of("GTUBE"), SpamVerdict.Action.REJECT));
        var filed = assertInstanceOf(ContentScreening.Accept.class,
                screening(new Scanners(null, reject), "SMTP_SPAM_ACTION", "reject").screen(message("x\r\n"), true));
        assertEquals(Folder.JUNK, filed.folder());
        SpamScanner down = spam(() -> {
            throw new ScannerUnavailableException("rspamd: connection refused");
        });
        assertInstanceOf(ContentScreening.Accept.class, screening(new Scanners(null, down)).screen(message("x\r\n"), true));
        assertInstanceOf(ContentScreening.Refuse.class, screening(new Scanners(null, down)).screen(message("x\r\n")));
    }

    @Test
    void manyRulesAreFoldedIntoShortLinesAndOddNamesLeftOut() throws Exception {
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rules.add("RULE_NUMBER_" + i);
        }
        rules.add("BAD\r\nX-Injected: yes");
        SpamScanner many = spam(() -> new SpamVerdict(false, 1.0, 15.0, rules, SpamVerdict.Action.NONE));
        var accepted = assertInstanceOf(ContentScreening.Accept.class, screening(new Scanners(null, many)).screen(message("x\r\n")));
        String headers = text(accepted.content());
        assertTrue(!headers.contains("X-Injected"), headers);
        for (String line : headers.split("\r\n")) {
            assertTrue(line.length() <= 78, "folded: " + line);
        }
        assertTrue(headers.contains("RULE_NUMBER_39"), headers);
    }
}
