package org.mailforge.infrastructure.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.mailforge.infrastructure.dns.DnsBreaker;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.testing.SettableClock;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A resolver that stops answering costs a few questions' timeouts, not every message's
 * (DnsBreaker): once the resolver leaves its own probe unanswered too, the checks answer
 * temperror at once until the pause ends, and any answer (SERVFAIL included) ends the failure.
 * Names whose own servers do not answer, which any client can send us, never stop the asking.
 */
class DnsFailureTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-06T12:00:00Z"));

    @Test
    void aSilentResolverIsNotAskedAfterItsProbeGoesUnansweredUntilThePauseEnds() throws Exception {
        try (Resolver resolver = new Resolver(Mode.SILENT)) {
            DnsBreaker breaker = new DnsBreaker(1, Duration.ofSeconds(30), clock);
            DnsClient dns = resolver.client(breaker);
            long waited = timed(() -> dns.query("a.example", Type.TXT, Instant.now().plusMillis(700)));
            assertTrue(waited >= 400, "asked, and waited for the answer: " + waited + " ms");
            await(() -> !breaker.mayAsk(), "the probe goes unanswered too: paused");
            assertTrue(dns.problem().isPresent(), "health says DNS is failing");
            DnsClient.DnsTimeoutException refused = assertThrows(DnsClient.DnsTimeoutException.class,
                    () -> dns.query("b.example", Type.TXT, Instant.now().plusSeconds(5)));
            assertTrue(refused.getMessage().startsWith("DNS is failing"), refused.getMessage());
            long parallel = timed(() -> dns.await("c.example", dns.start("c.example", Type.TXT), Instant.now().plusSeconds(5)));
            assertTrue(parallel < 500, "the parallel path is not asked either: " + parallel + " ms");
            SpfVerifier spf = new SpfVerifier(dns, "mx.example.test");
            long start = System.nanoTime();
            assertEquals("temperror", spf.check("192.0.2.1", "a@sender.example", "client.example", Instant.now().plusSeconds(6)).result());
            assertTrue(System.nanoTime() - start < 500_000_000L, "the check answers at once while DNS is failing");
            int asked = resolver.questions.get();

            clock.advance(Duration.ofSeconds(31)); // the pause is over: the probe goes out first, alone
            int probes = resolver.probes.get();
            long refusedAgain = timed(() -> dns.query("d.example", Type.TXT, Instant.now().plusSeconds(5)));
            assertTrue(refusedAgain < 500, "questions wait for the probe's verdict, refused at once: " + refusedAgain + " ms");
            await(() -> resolver.probes.get() >= probes + 2, "the resolver itself is asked again (twice)");
            assertEquals(asked + (resolver.probes.get() - probes), resolver.questions.get(), "nothing but the probes went out");
            await(() -> breaker.unansweredInARow() > 0 && !breaker.mayAsk() && resolver.probes.get() == probes + 2
                    && dns.problem().isPresent(), "still silent: paused again");
        }
    }

    /**
     * A client's mail from domains whose name servers never answer: the resolver answers its
     * probe (the second one here: one lost packet is not a dead resolver), so nobody's checks stop.
     */
    @Test
    void namesThatDoNotAnswerDoNotStopTheAsking() throws Exception {
        try (Resolver resolver = new Resolver(Mode.ROOT_ONLY)) {
            resolver.probesToDrop.set(1);
            DnsBreaker breaker = new DnsBreaker(2, Duration.ofSeconds(30), clock);
            DnsClient dns = resolver.client(breaker);
            for (int i = 0; i < 2; i++) {
                long waited = timed(() -> dns.query("blackholed.example", Type.TXT, Instant.now().plusMillis(700)));
                assertTrue(waited >= 400, "the name's question went unanswered: " + waited + " ms");
            }
            await(() -> breaker.unansweredInARow() == 0, "the probe is answered: the count starts again");
            assertTrue(breaker.mayAsk());
            assertEquals(Optional.empty(), dns.problem());
            assertTrue(resolver.probes.get() >= 2, "the resolver itself was asked, twice");
        }
    }

    @Test
    void anyAnswerEndsTheFailureServerFailureIncluded() throws Exception {
        try (Resolver resolver = new Resolver(Mode.SILENT)) {
            DnsBreaker breaker = new DnsBreaker(1, Duration.ofSeconds(30), clock);
            DnsClient dns = resolver.client(breaker);
            timed(() -> dns.query("a.example", Type.TXT, Instant.now().plusMillis(700)));
            await(() -> !breaker.mayAsk(), "paused");
            resolver.mode = Mode.SERVFAIL;
            int asked = resolver.questions.get();
            assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.query("b.example", Type.TXT, Instant.now().plusSeconds(5)));
            assertEquals(asked, resolver.questions.get(), "not asked while paused");
            clock.advance(Duration.ofSeconds(30));
            breaker.mayAsk(); // the pause is over: the probe goes out, and gets SERVFAIL
            await(breaker::mayAsk, "the resolver responded: asking again");
            assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.query("broken.example", Type.TXT, Instant.now().plusSeconds(5)),
                    "SERVFAIL is still a temporary error for the check");
            assertEquals(Optional.empty(), dns.problem(), "but the resolver answered: DNS is not failing");
            assertTrue(breaker.mayAsk());
        }
    }

    /** While paused, what the cache holds is still answered; only what would go to the resolver fails at once. */
    @Test
    void theCacheStillAnswersWhilePaused() throws Exception {
        try (Resolver resolver = new Resolver(Mode.ANSWER)) {
            DnsBreaker breaker = new DnsBreaker(1, Duration.ofSeconds(30), clock);
            DnsClient dns = resolver.client(breaker);
            assertEquals(1, dns.query("cached.example", Type.TXT, Instant.now().plusSeconds(5)).records().size(), "answered (and cached)");
            resolver.mode = Mode.SILENT;
            timed(() -> dns.query("a.example", Type.TXT, Instant.now().plusMillis(700)));
            await(() -> !breaker.mayAsk(), "paused");
            assertEquals(1, dns.query("cached.example", Type.TXT, Instant.now().plusSeconds(5)).records().size(), "still answered, from the cache");
            assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.query("other.example", Type.TXT, Instant.now().plusSeconds(5)));
        }
    }

    @Test
    void aThresholdOfZeroAlwaysAsks() throws Exception {
        try (Resolver resolver = new Resolver(Mode.SILENT)) {
            DnsBreaker never = new DnsBreaker(0, Duration.ofSeconds(30), clock);
            DnsClient dns = resolver.client(never);
            for (int i = 0; i < 2; i++) {
                timed(() -> dns.query("a.example", Type.TXT, Instant.now().plusMillis(700)));
            }
            assertTrue(never.mayAsk());
            assertEquals(Optional.empty(), dns.problem());
            assertEquals(2, resolver.questions.get(), "asked every time, never probed");
        }
    }

    private enum Mode { SILENT, ROOT_ONLY, SERVFAIL, ANSWER }

    /**
     * A resolver on 127.0.0.1 that drops every question, answers only the root's (the probe), answers
     * SERVFAIL, or answers every TXT question with one record (for a minute).
     */
    private static final class Resolver implements AutoCloseable {

        final DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        final AtomicInteger questions = new AtomicInteger();
        final AtomicInteger probes = new AtomicInteger();
        final AtomicInteger probesToDrop = new AtomicInteger();
        volatile Mode mode;

        Resolver(Mode mode) throws Exception {
            this.mode = mode;
            Thread serving = new Thread(this::serve, "silent-resolver");
            serving.setDaemon(true);
            serving.start();
        }

        DnsClient client(DnsBreaker breaker) {
            // the resolver's own timeout (the probe's) is half a second: the test waits less
            return new DnsClient(DnsClient.resolver("127.0.0.1:" + socket.getLocalPort(), Duration.ofMillis(500)), breaker);
        }

        private void serve() {
            byte[] buffer = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    socket.receive(packet);
                    questions.incrementAndGet();
                    Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                    boolean root = query.getQuestion().getName().equals(Name.root);
                    if (root) {
                        probes.incrementAndGet();
                    }
                    if (mode == Mode.SILENT || mode == Mode.ROOT_ONLY && (!root || probesToDrop.getAndDecrement() > 0)) {
                        continue;
                    }
                    Message response = new Message(query.getHeader().getID());
                    response.getHeader().setFlag(Flags.QR);
                    response.getHeader().setFlag(Flags.RA);
                    response.getHeader().setRcode(mode == Mode.SERVFAIL ? Rcode.SERVFAIL : Rcode.NOERROR);
                    response.addRecord(query.getQuestion(), Section.QUESTION);
                    if (mode == Mode.ANSWER && query.getQuestion().getType() == Type.TXT) {
                        response.addRecord(new org.xbill.DNS.TXTRecord(query.getQuestion().getName(), org.xbill.DNS.DClass.IN, 60, "hello"),
                                Section.ANSWER);
                    }
                    byte[] wire = response.toWire();
                    socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
                } catch (java.io.IOException e) {
                    // closed, or a packet that is not DNS
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, "within 10 s: " + what);
            Thread.sleep(20);
        }
    }

    private interface Lookup {
        Object run() throws Exception;
    }

    /** Milliseconds the lookup took, whether it answered or failed. */
    private static long timed(Lookup lookup) {
        long start = System.nanoTime();
        try {
            lookup.run();
        } catch (Exception expected) {
            // a timeout or a refusal: the time is what counts here
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
