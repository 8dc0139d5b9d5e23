package org.mailforge.application.trace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.HourlyCounts;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.common.MessageHeaders;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.trace.TraceFacts;
import org.mailforge.domain.trace.TraceStep;
import org.mailforge.domain.trace.TraceStore;
import org.mailforge.domain.trace.TraceWrite;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.Refusal;
import org.mailforge.smtp.spi.Reply;
import org.mailforge.smtp.spi.SessionFacts;

/**
 * Records what happens to messages into the message trace, off the path of the message: each
 * record is queued in memory and {@link #flush()} writes what is queued once a second, in one
 * transaction per few thousand (every node writes its own; writes commute). Bounded: records of at
 * most {@link #MAX_QUEUED_CHARS} characters wait (beyond that they are dropped and counted), refused connections
 * are recorded at most {@link #CONNECT_REFUSALS_PER_HOUR} an hour per client network and refused
 * commands of unauthenticated clients {@link #COMMAND_REFUSALS_PER_HOUR}, and texts are cut to their columns. A crash loses at most the last second's records, never mail.
 */
@ApplicationScoped
public class TraceLog {

    private static final Logger LOG = Logger.getLogger(TraceLog.class.getName());
    /** Characters of records waiting at most (about twice as many bytes): a burst of large messages cannot fill the heap. */
    static final long MAX_QUEUED_CHARS = 16L * 1024 * 1024;
    static final int CONNECT_REFUSALS_PER_HOUR = 60;
    /** Refusals at MAIL, RCPT and the end of data recorded per client network and hour: a relay prober's thousands are counted, not written. */
    static final int COMMAND_REFUSALS_PER_HOUR = 1000;
    private static final int BATCH = 2_000;

    @Inject
    TraceStore store;

    @Inject
    ServerConfiguration configuration;

    @Inject
    MailMetrics metrics;

    Clock clock = Clock.systemUTC();

    private final ConcurrentLinkedQueue<TraceWrite> queued = new ConcurrentLinkedQueue<>();
    private final AtomicLong weight = new AtomicLong();
    private final HourlyCounts connectRefusals = new HourlyCounts(100_000);
    private final HourlyCounts commandRefusals = new HourlyCounts(100_000);
    /** A batch the database refused, tried once more before the next ones. */
    private List<TraceWrite> retry = List.of();

    public TraceLog() {
        // for CDI
    }

    /** A trace log outside the container (a unit test's). */
    public TraceLog(TraceStore store, ServerConfiguration configuration, MailMetrics metrics) {
        this.store = store;
        this.configuration = configuration;
        this.metrics = metrics;
    }

    /** Whether the trace is kept at all (SMTP_TRACE_RETENTION_DAYS above 0). */
    public boolean enabled() {
        return !configuration.operations().traceRetention().isZero();
    }

    /**
     * Queues a record. Never throws: the trace is an account of what happened, never a reason for
     * it to fail (a message already stored must not get a 451 because its trace could not be made).
     */
    void add(java.util.function.Supplier<TraceWrite> record) {
        if (!enabled()) {
            return;
        }
        TraceWrite write;
        try {
            write = record.get();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a message trace record could not be made", e);
            metrics.traceDropped(1);
            return;
        }
        int cost = write.weight();
        // a refusal may use half the room at most: a flood of them never crowds out the records of taken mail
        boolean refusal = write.accepted() == 0 && write.openEntries() == 0 && write.failed() == 0
                && write.temporary() + write.permanent() > 0;
        if (weight.addAndGet(cost) > (refusal ? MAX_QUEUED_CHARS / 2 : MAX_QUEUED_CHARS)) {
            weight.addAndGet(-cost);
            metrics.traceDropped(1);
            return;
        }
        queued.add(write);
    }

    /** Refusals the engine gave clients: one trace each (a transaction's refusals share its trace). */
    public void refused(List<Refusal> refusals) {
        for (Refusal refusal : refusals) {
            if (overBudget(refusal)) {
                metrics.traceDropped(1);
                continue;
            }
            boolean temporary = refusal.reply().code() < 500;
            TraceFacts facts = facts(refusal.session(), refusal.sender(), null);
            add(() -> new TraceWrite(refusal.traceId(), refusal.at(), facts, 0, 0, 0, temporary ? 1 : 0, temporary ? 0 : 1,
                    List.of(new TraceStep(refusal.at(), TraceStep.Kind.REFUSED, lower(refusal.recipient()), null,
                            temporary ? TraceStep.Outcome.DEFERRED : TraceStep.Outcome.FAILED, render(refusal.reply()),
                            "at " + refusal.stage().name() + explain(refusal.reply())))));
        }
    }

    /**
     * A botnet's connections refused at connect are recorded a few an hour per network, a relay
     * prober's refused commands a thousand: beyond, they are only counted. An authenticated
     * session's refusals are its user's to read and always recorded.
     */
    private boolean overBudget(Refusal refusal) {
        if (refusal.session().authenticatedUser() != null) {
            return false;
        }
        long hour = refusal.at().getEpochSecond() / 3600;
        String network = network(refusal.session().clientAddress());
        return refusal.stage() == Refusal.Stage.CONNECT
                ? connectRefusals.add(network, hour) > CONNECT_REFUSALS_PER_HOUR
                : commandRefusals.add(network, hour) > COMMAND_REFUSALS_PER_HOUR;
    }

    /** An address's /24 (IPv4) or /64 (IPv6); the engine gives literals, so no name is ever looked up. */
    static String network(String address) {
        if (address == null) {
            return "";
        }
        if (address.indexOf(':') < 0) {
            int dot = address.lastIndexOf('.');
            return dot < 0 ? address : address.substring(0, dot);
        }
        try {
            byte[] octets = java.net.InetAddress.getByName(address).getAddress();
            return java.util.HexFormat.of().formatHex(octets, 0, Math.min(8, octets.length));
        } catch (java.io.IOException | RuntimeException e) {
            return address;
        }
    }

    /** A message refused at its end of data by the application (DMARC, a virus, a quota, a sender that is not the user's). */
    public void refused(InboundMessage message, Reply reply, String authentication) {
        Instant now = clock.instant();
        boolean temporary = reply.code() < 500;
        String text = render(reply);
        String why = "at DATA" + explain(reply);
        TraceStep.Outcome outcome = temporary ? TraceStep.Outcome.DEFERRED : TraceStep.Outcome.FAILED;
        // a step for each recipient: each of them finds the message (bounded by the recipient limit)
        List<TraceStep> steps = message.recipients().stream()
                .map(recipient -> new TraceStep(now, TraceStep.Kind.REFUSED, lower(recipient), null, outcome, text, why)).toList();
        add(() -> new TraceWrite(message.sessionId(), now, messageFacts(message, authentication, null), 0, 0, 0, temporary ? 1 : 0,
                temporary ? 0 : 1, steps));
    }

    /**
     * A message taken: what is known of it, and a step for each recipient (where it was stored,
     * or queued), all in one record.
     *
     * @param openEntries the queue entries it opened
     */
    public void received(InboundMessage message, Reply reply, String authentication, String scan, List<TraceStep> steps,
                         int openEntries) {
        Instant now = clock.instant();
        List<TraceStep> all = new ArrayList<>(steps.size() + 1);
        all.add(new TraceStep(message.receivedAt(), TraceStep.Kind.RECEIVED, null, null, TraceStep.Outcome.OK,
                render(reply), message.content().size() + " octets"));
        all.addAll(steps);
        add(() -> new TraceWrite(message.sessionId(), now, messageFacts(message, authentication, scan), 1, openEntries, 0, 0, 0, all));
    }

    /** Steps of a message's trace: an attempt's replies, a notification, an administrator's action. */
    public void steps(String traceId, List<TraceStep> steps) {
        add(() -> TraceWrite.steps(traceId, clock.instant(), steps));
    }

    /**
     * A queue entry of the message concluded: delivered to every recipient, or not delivered to
     * {@code failed} of them (given up on, refused for good, deleted).
     */
    public void concluded(String traceId, int failed, List<TraceStep> steps) {
        add(() -> new TraceWrite(traceId, clock.instant(), TraceFacts.NONE, 0, -1, failed, 0, 0, steps));
    }

    /** A queue entry that had failed opens again (an administrator's retry): its recipients are no longer given up on. */
    public void reopened(String traceId, int failedBefore, TraceStep step) {
        add(() -> new TraceWrite(traceId, clock.instant(), TraceFacts.NONE, 0, 1, -failedBefore, 0, 0, List.of(step)));
    }

    /** Writes what is queued; a failed batch is tried again next time (once), then dropped. */
    public void flush() {
        if (!retry.isEmpty()) {
            List<TraceWrite> again = retry;
            retry = List.of();
            try {
                store.write(again);
            } catch (RuntimeException e) {
                metrics.traceDropped(again.size());
                LOG.log(Level.WARNING, again.size() + " message trace record(s) could not be written and are dropped", e);
            }
        }
        while (true) {
            List<TraceWrite> batch = new ArrayList<>();
            TraceWrite next;
            long taken = 0;
            while (batch.size() < BATCH && (next = queued.poll()) != null) {
                batch.add(next);
                taken += next.weight();
            }
            weight.addAndGet(-taken);
            if (batch.isEmpty()) {
                return;
            }
            try {
                store.write(batch);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "the message trace could not be written; once more in a second", e);
                retry = batch;
                return;
            }
        }
    }

    /** Forgets traces older than the retention, in batches; returns how many. */
    public long purge(int batch, int maxBatches) {
        Duration retention = configuration.operations().traceRetention();
        if (retention.isZero()) {
            return 0;
        }
        Instant before = clock.instant().minus(retention);
        long removed = 0;
        int last;
        int batches = 0;
        do {
            last = store.purge(before, batch);
            removed += last;
        } while (last == batch && ++batches < maxBatches);
        return removed;
    }

    private TraceFacts facts(SessionFacts session, String sender, Long size) {
        if (session == null) {
            return new TraceFacts(configuration.listener().hostname(), null, null, null, null, null, null, lower(sender), null, null, size,
                    null, null, null);
        }
        return new TraceFacts(configuration.listener().hostname(), session.listener(), session.clientAddress(), session.clientName(),
                session.heloName(), session.tls(), session.authenticatedUser(), lower(sender), null, null, size, null, null, null);
    }

    private TraceFacts messageFacts(InboundMessage message, String authentication, String scan) {
        SessionFacts session = message.session();
        String listener = session != null ? session.listener() : "local"; // without a session: our own notification
        MessageHeaders.Identity identity = MessageHeaders.identity(message.content());
        return new TraceFacts(configuration.listener().hostname(), listener,
                session != null ? session.clientAddress() : message.clientAddress(),
                session != null ? session.clientName() : null,
                session != null ? session.heloName() : message.heloName(),
                session != null ? session.tls() : null,
                message.authenticatedUser(), lower(message.reversePath()), identity.messageId(), identity.subject(), message.content().size(),
                lower(String.join(" ", message.recipients())), authentication, scan);
    }

    static String lower(String address) {
        return address == null ? null : address.toLowerCase(Locale.ROOT);
    }

    /** A reply as the client read it, on one line. */
    public static String render(Reply reply) {
        return reply.code() + (reply.status() == null ? "" : " " + reply.status()) + " " + String.join(" ", reply.lines());
    }

    /** What a refusal means, in an administrator's words, from its enhanced status code. */
    static String explain(Reply reply) {
        String status = reply.status();
        if (status == null) {
            return "";
        }
        String text = String.join(" ", reply.lines()).toLowerCase(Locale.ROOT);
        String why = switch (status.substring(status.indexOf('.') + 1)) {
            case "1.1" -> "the recipient does not exist here";
            case "7.1" -> text.contains("relay") ? "we do not relay for this client: it is not authenticated and the domain is not ours"
                    : text.contains("greylist") || text.contains("try again") ? "greylisted: a new sender for this recipient must try again later"
                    : text.contains("dmarc") ? "the sender's domain publishes a DMARC policy the message failed"
                    : text.contains("virus") ? "a virus was found"
                    : text.contains("spam") ? "the spam filter refused it"
                    : text.contains("not owned") || text.contains("sender") ? "the sender is not an address of the authenticated user"
                    : "refused by policy";
            case "7.0" -> text.contains("authentication") ? "the listener requires authentication first" : "refused by policy";
            case "2.2" -> "the mailbox is full";
            case "3.4", "2.3" -> "the message is too big";
            case "4.6" -> "the message has passed too many relays (a mail loop)";
            case "5.3" -> "too many recipients in one message";
            case "3.2" -> "too many connections";
            case "7.28", "7.27" -> "refused by a DNS block list";
            case "5.1" -> text.contains("talked") ? "the client talked before the greeting (a bot)" : "a protocol error";
            default -> "";
        };
        return why.isEmpty() ? "" : ": " + why;
    }
}
