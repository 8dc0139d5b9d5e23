package org.mailforge.application.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.mailforge.testing.SettableClock;
import org.mailforge.application.trace.MemoryTraceStore;
import org.mailforge.application.trace.TraceLog;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.application.events.ServerEvents;
import org.mailforge.domain.queue.OutboundQueue;
import org.mailforge.domain.queue.QueueSpool;
import org.mailforge.domain.queue.QueueStatus;
import org.mailforge.domain.queue.QueuedMessage;
import org.mailforge.domain.queue.QueuedRecipient;
import org.mailforge.domain.queue.RecipientStatus;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.MessageContent;
import org.mailforge.smtp.spi.RecipientReply;
import org.mailforge.smtp.spi.Reply;

/**
 * What follows a delivery attempt: done, retry by the schedule, or give up and tell the sender
 * (once, never for a bounce), with the queue, spool, transport and mailbox as in-memory stand-ins.
 */
class DeliveryAgentTest {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private static final String SENDER = "alice@example.test";

    private final Map<String, QueuedMessage> queue = new HashMap<>();
    private final Map<String, byte[]> spool = new HashMap<>();
    private final List<String> spoolDeleted = new ArrayList<>();
    private final List<String> woken = new ArrayList<>();
    private final List<Duration> wakeDelays = new ArrayList<>();
    private final List<InboundMessage> notifications = new ArrayList<>();
    private final List<Boolean> sent = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<List<String>> transportCalls = new ArrayList<>();
    private Function<String, Reply> destination = recipient -> Reply.of(250, "2.0.0", "ok");
    private final SettableClock time = new SettableClock(T0);
    private final MemoryTraceStore traces = new MemoryTraceStore();
    private final MemoryQueueControls controls = new MemoryQueueControls();

    private DeliveryAgent agent(String... settings) {
        Map<String, String> variables = new HashMap<>(Map.of("SMTP_HOSTNAME", "mx.example.test",
                "SMTP_QUEUE_MAX_ATTEMPTS", "3", "SMTP_QUEUE_RETRY_SCHEDULE", "1m,5m,15m"));
        for (int i = 0; i < settings.length; i += 2) {
            variables.put(settings[i], settings[i + 1]);
        }
        DeliveryAgent agent = new DeliveryAgent();
        agent.configuration = ServerConfiguration.load(name -> Optional.ofNullable(variables.get(name)));
        agent.queue = new InMemoryQueue();
        agent.spool = new InMemorySpool();
        agent.transport = (domain, sender, recipients, content, smtpUtf8) -> {
            transportCalls.add(recipients);
            return recipients.stream().map(r -> new RecipientReply(r, destination.apply(r))).toList();
        };
        agent.wakeups = (id, delay) -> {
            woken.add(id);
            wakeDelays.add(delay);
        };
        agent.mail = message -> {
            notifications.add(message);
            return Reply.of(250, "2.0.0", "stored");
        };
        agent.metrics = new MailMetrics() {
            @Override
            public void sent(boolean allDelivered) {
                sent.add(allDelivered);
            }
        };
        agent.events = new ServerEvents() {
            @Override
            public void publish(String event, Supplier<Map<String, Object>> data) {
                events.add(event);
            }
        };
        agent.trace = new TraceLog(traces, agent.configuration, agent.metrics);
        agent.guardrails = new SendingGuardrails();
        agent.guardrails.controls = controls;
        agent.guardrails.configuration = agent.configuration;
        agent.guardrails.events = agent.events;
        agent.tlsReports = new org.mailforge.application.outbound.tlsreport.TlsReporting(agent.configuration, null); // no store: counting fails quietly

        agent.clock = time;
        agent.guardrails.clock = agent.clock;
        agent.init();
        return agent;
    }

    private QueuedMessage enqueue(String sender, Instant deliverBy, boolean deliverByReturn, String... recipients) {
        QueuedMessage entry = new QueuedMessage("msg_" + queue.size(), new QueuedMessage.Envelope(sender, "Hello", 40, false, "S1",
                deliverBy, deliverByReturn), "remote.test", List.of(recipients), "content-" + queue.size(), 3, T0);
        queue.put(entry.getId(), entry);
        spool.put(entry.getContentFile(), "Subject: Hello\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        return entry;
    }

    private QueuedMessage enqueue(String... recipients) {
        return enqueue(SENDER, null, false, recipients);
    }

    private static String text(InboundMessage message) throws IOException {
        return new String(message.content().openStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void everyRecipientAcceptedRemovesTheEntryAndItsContent() {
        DeliveryAgent agent = agent();
        QueuedMessage entry = enqueue("b@remote.test", "c@remote.test");
        agent.attempt(entry.getId());
        assertFalse(queue.containsKey(entry.getId()));
        assertEquals(List.of(entry.getContentFile()), spoolDeleted);
        assertEquals(List.of(true), sent);
        assertEquals(List.of("message.sent"), events);
        assertTrue(notifications.isEmpty(), "no notice for a delivered message");
    }

    @Test
    void aTemporaryFailureIsRetriedByTheSchedule() {
        DeliveryAgent agent = agent();
        destination = recipient -> Reply.of(451, "4.3.0", "try later");
        QueuedMessage entry = enqueue("b@remote.test");
        agent.attempt(entry.getId());
        assertEquals(QueueStatus.RETRY, entry.getStatus());
        assertEquals(1, entry.getAttempts());
        assertEquals(T0.plus(Duration.ofMinutes(1)), entry.getNextRetry(), "the first delay of the schedule");
        assertEquals(List.of(entry.getId()), woken);
        assertEquals(List.of(Duration.ofMinutes(1)), wakeDelays);
        assertEquals("451 4.3.0 try later", entry.getLastError());
        assertTrue(notifications.isEmpty() && sent.isEmpty());

        time.set(T0.plus(Duration.ofMinutes(1)));
        agent.attempt(entry.getId());
        assertEquals(2, entry.getAttempts());
        assertEquals(time.instant().plus(Duration.ofMinutes(5)), entry.getNextRetry(), "the second delay");
    }

    @Test
    void permanentFailuresAreReportedOnceTheOthersAreSettled() throws IOException {
        DeliveryAgent agent = agent();
        destination = recipient -> switch (recipient) {
            case "ok@remote.test" -> Reply.of(250, "2.0.0", "ok");
            case "gone@remote.test" -> Reply.of(550, "5.1.1", "no such user");
            default -> Reply.of(451, "4.3.0", "busy");
        };
        QueuedMessage entry = enqueue("ok@remote.test", "gone@remote.test", "later@remote.test");
        agent.attempt(entry.getId());
        assertEquals(QueueStatus.RETRY, entry.getStatus(), "one recipient is still pending");
        assertTrue(notifications.isEmpty(), "the sender hears once, when every recipient is settled");

        destination = recipient -> Reply.of(250, "2.0.0", "ok");
        time.set(T0.plus(Duration.ofMinutes(1)));
        agent.attempt(entry.getId());
        assertEquals(List.of(List.of("ok@remote.test", "gone@remote.test", "later@remote.test"), List.of("later@remote.test")),
                transportCalls, "a retry offers only the recipients still pending");
        assertEquals(QueueStatus.FAILED, entry.getStatus(), "kept for the administrator");
        assertEquals("550 5.1.1 no such user", entry.getLastError(), "the reason it failed, not the last attempt's success");
        assertTrue(queue.containsKey(entry.getId()));
        assertEquals(List.of(false), sent);
        assertEquals(List.of("message.failed"), events);
        assertEquals(1, notifications.size());
        InboundMessage dsn = notifications.get(0);
        assertEquals(List.of(SENDER), dsn.recipients());
        assertEquals("", dsn.reversePath(), "a notification has the null sender");
        String report = text(dsn);
        assertTrue(report.contains("Final-Recipient: rfc822; gone@remote.test"), report);
        assertTrue(report.contains("Status: 5.1.1"), report);
        assertFalse(report.contains("Final-Recipient: rfc822; later@remote.test"), "delivered recipients are not reported");
    }

    @Test
    void afterTheLastAttemptTheSenderGetsTheBounce() throws IOException {
        DeliveryAgent agent = agent();
        destination = recipient -> Reply.of(421, "4.4.2", "timeout");
        QueuedMessage entry = enqueue("b@remote.test");
        for (Duration at : List.of(Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(6))) {
            time.set(T0.plus(at));
            agent.attempt(entry.getId());
        }
        assertEquals(3, entry.getAttempts());
        assertEquals(QueueStatus.FAILED, entry.getStatus());
        assertEquals(RecipientStatus.FAILED, entry.getRecipients().get(0).getStatus());
        assertNull(entry.getNextRetry());
        assertEquals(1, notifications.size());
        String report = text(notifications.get(0));
        assertTrue(report.contains("Action: failed"), report);
        assertTrue(report.contains("421 4.4.2 timeout"), "the last reply is quoted: " + report);
        assertEquals(2, woken.size(), "no wake-up after giving up");
    }

    @Test
    void aBounceIsNeverBounced() {
        DeliveryAgent agent = agent();
        destination = recipient -> Reply.of(550, "5.1.1", "no such user");
        QueuedMessage entry = enqueue("", null, false, "b@remote.test");
        agent.attempt(entry.getId());
        assertEquals(QueueStatus.FAILED, entry.getStatus());
        assertTrue(notifications.isEmpty());
        assertEquals(List.of(false), sent);
    }

    @Test
    void pastItsDeliverByDeadlineAMessageIsReturnedWithoutAnAttempt() throws IOException {
        DeliveryAgent agent = agent();
        QueuedMessage entry = enqueue(SENDER, T0.plusSeconds(30), true, "b@remote.test");
        time.set(T0.plusSeconds(31));
        agent.attempt(entry.getId());
        assertTrue(transportCalls.isEmpty(), "no attempt after the deadline");
        assertEquals(QueueStatus.FAILED, entry.getStatus());
        assertTrue(text(notifications.get(0)).contains("Status: 5.4.7"));
    }

    @Test
    void aRetryIsNeverScheduledAfterTheDeliverByDeadline() {
        DeliveryAgent agent = agent();
        destination = recipient -> Reply.of(451, "4.3.0", "busy");
        QueuedMessage entry = enqueue(SENDER, T0.plusSeconds(20), true, "b@remote.test");
        agent.attempt(entry.getId());
        assertEquals(T0.plusSeconds(20), entry.getNextRetry(), "returned at its deadline, not a minute later");
    }

    @Test
    void unreadableContentCountsAsAnAttemptAndIsRetried() {
        DeliveryAgent agent = agent();
        QueuedMessage entry = enqueue("b@remote.test");
        spool.remove(entry.getContentFile());
        agent.attempt(entry.getId());
        assertTrue(transportCalls.isEmpty());
        assertEquals(1, entry.getAttempts());
        assertEquals(QueueStatus.RETRY, entry.getStatus());
        assertEquals("local error: queued content unreadable", entry.getLastError());
        assertEquals(List.of(entry.getId()), woken);
    }

    @Test
    void aBusyDestinationPostponesWithoutCountingAnAttempt() throws Exception {
        DeliveryAgent agent = agent("SMTP_OUTBOUND_MAX_PER_DESTINATION", "1");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        destination = recipient -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.of(250, "2.0.0", "ok");
        };
        QueuedMessage first = enqueue("b@remote.test");
        QueuedMessage second = enqueue("c@remote.test");
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> agent.attempt(first.getId()));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        agent.attempt(second.getId());
        assertEquals(List.of(second.getId()), woken);
        assertEquals(List.of(DeliveryAgent.BUSY_DESTINATION_DELAY), wakeDelays);
        assertEquals(0, second.getAttempts());
        release.countDown();
        running.get(10, TimeUnit.SECONDS);
        assertFalse(queue.containsKey(first.getId()));
    }

    @Test
    void aTurnThatOfferedNothingOnlyReleasesTheEntry() {
        DeliveryAgent agent = agent();
        QueuedMessage entry = enqueue("b@remote.test");
        agent.recordTurn(entry.getId(), List.of());
        assertEquals(0, entry.getAttempts());
        assertEquals(QueueStatus.PENDING, entry.getStatus());
        assertTrue(entry.getRecipients().stream().allMatch(QueuedRecipient::isPending));
    }

    /** Claims like the real queue: one attempt at a time holds an entry. */
    private final class InMemoryQueue implements OutboundQueue {
        private final Map<String, Instant> leases = new HashMap<>();

        @Override
        public synchronized Optional<String> destination(String id) {
            return Optional.ofNullable(queue.get(id)).map(QueuedMessage::getDomain);
        }

        @Override
        public synchronized Optional<QueuedMessage> claim(String id, Instant at, Instant leaseUntil) {
            Instant lease = leases.get(id);
            if (!queue.containsKey(id) || lease != null && lease.isAfter(at)) {
                return Optional.empty();
            }
            leases.put(id, leaseUntil);
            return Optional.of(queue.get(id));
        }

        @Override
        public synchronized QueuedMessage update(QueuedMessage message) {
            leases.remove(message.getId());
            return message;
        }

        @Override
        public synchronized QueuedMessage recordAttempt(QueuedMessage message) {
            return update(message);
        }

        @Override
        public boolean hold(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean release(String id, Instant at) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<QueuedMessage> matching(org.mailforge.domain.queue.QueueFilter filter, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public synchronized void remove(String id) {
            leases.remove(id);
            queue.remove(id);
        }

        @Override
        public synchronized Optional<QueuedMessage> find(String id) {
            return Optional.ofNullable(queue.get(id));
        }

        @Override
        public void add(List<QueuedMessage> messages) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<QueuedMessage> claimAnyTime(String id, Instant at, Instant leaseUntil) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<QueuedMessage> list(QueueStatus status, String domain, int offset, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long count(QueueStatus status, String domain) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long countWaiting() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> due(Instant dueBefore, Instant at, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> waitingFor(String domain) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<QueuedMessage> failedBefore(Instant cutoff, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int expedite(String domain, Instant at) {
            throw new UnsupportedOperationException();
        }
    }

    private final class InMemorySpool implements QueueSpool {
        @Override
        public MessageContent open(String name) throws IOException {
            byte[] content = spool.get(name);
            if (content == null) {
                throw new IOException("no such file: " + name);
            }
            return MessageContent.of(content);
        }

        @Override
        public void delete(String name) {
            spoolDeleted.add(name);
            spool.remove(name);
        }

        @Override
        public void checkAvailable() {
        }

        @Override
        public String write(String id, MessageContent content) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String link(String existing, String id) {
            throw new UnsupportedOperationException();
        }
    }
}
