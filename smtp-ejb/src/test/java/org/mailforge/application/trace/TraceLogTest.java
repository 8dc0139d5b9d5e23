package org.mailforge.application.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SessionFacts;

class TraceLogTest {

    private final MemoryTraceStore store = new MemoryTraceStore();
    private final List<Long> dropped = new ArrayList<>();

    private TraceLog log(String retentionDays) {
        ServerConfiguration configuration = ServerConfiguration.load(name -> Optional.ofNullable(Map.of(
                "SMTP_HOSTNAME", "mx.example.test", "SMTP_TRACE_RETENTION_DAYS", retentionDays).get(name)));
        return new TraceLog(store, configuration, new MailMetrics() {
            @Override
            public void traceDropped(long records) {
                dropped.add(records);
            }
        });
    }

    private static Refusal connectRefusal(String address, int n) {
        return new Refusal("C" + n, new SessionFacts("C" + n, "smtp", address, null, null, null, null), Refusal.Stage.CONNECT,
                null, null, Reply.of(421, "4.3.2", "too many connections"), Instant.parse("2026-12-06T10:00:00Z"));
    }

    @Test
    void aFloodOfRefusedConnectionsIsCountedNotWrittenRowByRow() {
        TraceLog log = log("30");
        List<Refusal> flood = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            flood.add(connectRefusal("198.51.100." + (i % 4), i)); // one /24
        }
        flood.add(connectRefusal("203.0.113.5", 1000));
        log.refused(flood);
        log.flush();
        assertEquals(TraceLog.CONNECT_REFUSALS_PER_HOUR + 1, store.writes.size(), "60 of the network's, and the other network's one");
        assertEquals(40, dropped.stream().mapToLong(Long::longValue).sum());
        assertEquals(1, store.writes.get(0).temporary(), "a 421 is a temporary refusal");
    }

    @Test
    void aMessageRefusedAfterItsDataIsFoundByEachRecipient() {
        TraceLog log = log("30");
        InboundMessage message = new InboundMessage("S1-2", "192.0.2.1", "client.example", "Boss@Example.test",
                List.of("a@remote.test", "B@remote.test"), MessageContent.of("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <m1@x>\r\n\r\nhi\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)), Instant.now(), false, "bob", null);
        log.refused(message, Reply.of(550, "5.7.1", "Message rejected: DMARC policy of example.test"), "spf=fail; dmarc=fail");
        log.flush();
        assertEquals(1, store.writes.size());
        var write = store.writes.get(0);
        assertEquals("boss@example.test", write.facts().sender());
        assertEquals("Grüße", write.facts().subject());
        assertEquals("<m1@x>", write.facts().messageId());
        assertEquals(1, write.permanent());
        assertEquals(List.of("a@remote.test", "b@remote.test"), write.steps().stream().map(TraceStep::recipient).toList());
        assertTrue(write.steps().get(0).detail().contains("DMARC policy"), write.steps().get(0).detail());
    }

    @Test
    void noTraceIsKeptWithARetentionOfZero() {
        TraceLog log = log("0");
        log.refused(List.of(connectRefusal("192.0.2.1", 1)));
        log.flush();
        assertTrue(store.writes.isEmpty());
    }

    @Test
    void whatWaitsIsBoundedByItsSize() {
        TraceLog log = log("30");
        String big = "x".repeat(900);
        List<Refusal> refusals = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            refusals.add(new Refusal("R" + i, new SessionFacts("R" + i, "smtp", "192.0.2." + (i % 250), null, big, null, null),
                    Refusal.Stage.RCPT, "a@b.test", "c@d.test", Reply.of(550, "5.7.1", big), Instant.now()));
        }
        log.refused(refusals);
        long kept = 30_000 - dropped.stream().mapToLong(Long::longValue).sum();
        assertTrue(kept < 30_000 && kept * 1800 <= TraceLog.MAX_QUEUED_CHARS + 10_000, "kept " + kept);
        log.flush();
        assertEquals(kept, store.writes.size(), "what was kept is written");
    }
}
