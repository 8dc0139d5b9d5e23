package org.mailforge.application.screening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.mailforge.application.metrics.MailMetrics;
import org.mailforge.application.config.ScreeningConfiguration;
import org.mailforge.application.common.MessageHeaders;
import org.mailforge.application.verification.AuthenticationResults;
import org.mailforge.application.verification.MessageAuthentication;
import org.mailforge.domain.screening.GreylistTriplet;
import org.mailforge.domain.screening.ScreeningRecords;
import org.mailforge.smtp.ratelimit.Cidr;
import org.mailforge.smtp.spi.InboundMessage;
import org.mailforge.smtp.spi.InboundRecipient;
import org.mailforge.smtp.spi.Reply;

class GreylistingTest {

    /** The tables, in memory: what the JPA repository keeps in the database. */
    static final class MemoryRecords implements ScreeningRecords {
        final Map<String, GreylistTriplet> triplets = new ConcurrentHashMap<>();
        final Map<String, Instant> greetings = new ConcurrentHashMap<>();

        @Override
        public Optional<GreylistTriplet> triplet(String id) {
            return Optional.ofNullable(triplets.get(id));
        }

        @Override
        public void add(GreylistTriplet triplet) {
            if (triplets.putIfAbsent(triplet.getId(), triplet) != null) {
                throw new IllegalStateException("duplicate key");
            }
        }

        @Override
        public void seen(String id, Instant now) {
            triplets.get(id).seen(now);
        }

        @Override
        public void restart(String id, Instant now) {
            GreylistTriplet old = triplets.get(id);
            triplets.put(id, new GreylistTriplet(id, old.getNetwork(), old.getSenderDomain(), now, false));
        }

        @Override
        public int earnedFrom(String network, int enough) {
            return (int) Math.min(enough, triplets.values().stream().filter(t -> t.getNetwork().equals(network) && t.earned()).count());
        }

        @Override
        public boolean domainEarned(String senderDomain) {
            return triplets.values().stream().anyMatch(t -> t.getSenderDomain().equals(senderDomain) && t.earned());
        }

        @Override
        public Optional<Instant> greetingPassedUntil(String address) {
            return Optional.ofNullable(greetings.get(address));
        }

        @Override
        public void greetingPassed(Map<String, Instant> passes) {
            greetings.putAll(passes);
        }

        @Override
        public int purgeTriplets(Instant passedBefore, Instant waitingBefore, int limit) {
            return 0;
        }

        @Override
        public int purgeGreetingPasses(Instant now, int limit) {
            return 0;
        }
    }

    static final MailMetrics METRICS = new MailMetrics() {
        @Override
        public void screened(String test, String outcome) {
            // counted by the real server
        }
    };

    private final MemoryRecords records = new MemoryRecords();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private String spfResult = "none";
    private int spfChecks;
    /** The sender domain's record lets everyone send (+all): it passes for a documentation address too. */
    private boolean permissive;
    /** What the sender domain's SPF says for a documentation address when it is not permissive. */
    private String documentationResult = "fail";

    static final class MutableClock extends java.time.Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private Greylisting greylisting(int autoAllow) {
        ScreeningConfiguration settings = new ScreeningConfiguration(Duration.ZERO, List.of(), 3, true, Duration.ofMinutes(5),
                autoAllow, Cidr.parseList("127.0.0.1/32"));
        MessageAuthentication spf = new MessageAuthentication() {
            @Override
            public AuthenticationResults check(InboundMessage message, MessageHeaders.HeaderBlock headers) {
                throw new UnsupportedOperationException();
            }

            @Override
            public AuthenticationResults.Spf spf(String clientAddress, String mailFrom, String helo) {
                boolean probe = clientAddress.equals("192.0.2.1") || clientAddress.equals("2001:db8:0:0:0:0:0:1");
                return new AuthenticationResults.Spf(probe && !permissive ? documentationResult : spfResult, mailFrom, helo, null);
            }
        };
        spfChecks = 0;
        return new Greylisting(settings, records, new MessageAuthentication() {
            @Override
            public AuthenticationResults check(InboundMessage message, MessageHeaders.HeaderBlock headers) {
                return spf.check(message, headers);
            }

            @Override
            public AuthenticationResults.Spf spf(String clientAddress, String mailFrom, String helo) {
                spfChecks++;
                return spf.spf(clientAddress, mailFrom, helo);
            }
        }, METRICS, clock, "+");
    }

    private static InboundRecipient envelope(String client, String sender, String recipient) {
        return new InboundRecipient(client, 0, "mta.sender.example", sender, recipient);
    }

    @Test
    void aNewTripletWaitsTheDelayThenPassesAndIsRemembered() {
        Greylisting greylisting = greylisting(0);
        Reply first = greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test"));
        assertEquals(451, first.code());
        assertEquals("4.7.1", first.status());
        assertTrue(first.lines().get(0).contains("300 seconds"), first.toString());
        clock.now = clock.now.plusSeconds(120);
        Reply early = greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test"));
        assertTrue(early.lines().get(0).contains("180 seconds"), early.toString());
        clock.now = clock.now.plusSeconds(181);
        assertNull(greylisting.screen(envelope("192.0.2.99", "A@Sender.Example", "BOB@example.test")),
                "a retry from another address of the /24 after the delay passes");
        clock.now = clock.now.plus(Duration.ofDays(20));
        assertNull(greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test")), "remembered for weeks");
        assertEquals(451, greylisting.screen(envelope("198.51.100.1", "a@sender.example", "bob@example.test")).code(),
                "another network is another triplet");
    }

    @Test
    void allowListedAndExemptClientsAreNeverGreylisted() {
        Greylisting greylisting = greylisting(0);
        assertNull(greylisting.screen(new InboundRecipient("192.0.2.10", -2, "h", "a@sender.example", "bob@example.test")));
        assertNull(greylisting.screen(envelope("127.0.0.1", "a@sender.example", "bob@example.test")));
        assertTrue(records.triplets.isEmpty());
    }

    @Test
    void aSenderDomainThatPassedBeforeSkipsTheWaitWhenItsSpfPassesOnly() {
        Greylisting greylisting = greylisting(0);
        greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test"));
        clock.now = clock.now.plusSeconds(301);
        assertNull(greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test")));
        assertEquals(451, greylisting.screen(envelope("203.0.113.5", "c@sender.example", "bob@example.test")).code(),
                "SPF does not pass: another network must wait");
        spfResult = "pass";
        assertNull(greylisting.screen(envelope("198.51.100.5", "d@sender.example", "bob@example.test")));
        assertEquals(451, greylisting.screen(envelope("198.51.100.5", "d@other.example", "bob@example.test")).code(),
                "a domain never seen before waits, SPF or not");
    }

    @Test
    void aTripletLetThroughAtOnceNeverLetsOthersThrough() {
        Greylisting greylisting = greylisting(2);
        greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test"));
        clock.now = clock.now.plusSeconds(301);
        assertNull(greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test")), "earned by a retry");
        spfResult = "pass"; // the domain's own server, from another network
        for (int bot = 0; bot < 5; bot++) {
            assertNull(greylisting.screen(envelope("203.0.113.5", "bot" + bot + "x@sender.example", "r" + bot + "@example.test")),
                    "a known domain whose SPF passes: let through");
        }
        assertEquals(2, spfChecks, "SPF asked once for the client and once for a documentation address, not for every recipient");
        assertEquals(451, greylisting.screen(envelope("203.0.113.5", "forged@other.example", "r9@example.test")).code(),
                "five triplets let through at once earned nothing: the network is not auto-allowed");
        assertEquals(451, greylisting.screen(envelope("198.51.100.7", "x@other.example", "r1@example.test")).code());
    }

    @Test
    void aSenderDomainWhoseSpfLetsEveryoneSendGetsNoShortcut() {
        Greylisting greylisting = greylisting(0);
        greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test"));
        clock.now = clock.now.plusSeconds(301);
        assertNull(greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test")));
        spfResult = "pass";
        permissive = true; // v=spf1 +all
        assertEquals(451, greylisting.screen(envelope("203.0.113.5", "b@sender.example", "bob@example.test")).code());
    }

    /** A check for the documentation address that DNS could not answer says nothing about +all: no shortcut on it. */
    @Test
    void noShortcutWhenTheEveryoneCheckCouldNotBeMade() {
        Greylisting greylisting = greylisting(0);
        greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test"));
        clock.now = clock.now.plusSeconds(301);
        assertNull(greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test")));
        spfResult = "pass";
        documentationResult = "temperror"; // DNS failing just then
        assertEquals(451, greylisting.screen(envelope("203.0.113.5", "b@sender.example", "bob@example.test")).code());
        documentationResult = "fail";
        clock.now = clock.now.plusSeconds(61); // a temporary error is asked again after a minute
        assertNull(greylisting.screen(envelope("203.0.113.6", "c@sender.example", "bob@example.test")), "the shortcut, once it is known");
    }

    @Test
    void aWaitingTripletRetriedOnlyAfterItsWindowStartsOver() {
        Greylisting greylisting = greylisting(0);
        greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test"));
        clock.now = clock.now.plus(Duration.ofDays(3));
        assertEquals(451, greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test")).code(),
                "days later: a first attempt again");
        clock.now = clock.now.plusSeconds(301);
        assertNull(greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob@example.test")));
    }

    @Test
    void retriesOfBatvSrsAndVerpSendersAndOfPlusAddressesAreTheSameTriplet() {
        Greylisting greylisting = greylisting(0);
        greylisting.screen(envelope("192.0.2.10", "prvs=1234abcd=bounces-4711@lists.example", "bob+news@example.test"));
        clock.now = clock.now.plusSeconds(301);
        assertNull(greylisting.screen(envelope("192.0.2.10", "prvs=9876fedc=bounces-4712@lists.example", "bob@example.test")));
        assertEquals("bounces-#@lists.example", Greylisting.sender("PRVS=0123=Bounces-99@Lists.Example"));
        assertEquals("alice@origin.example", Greylisting.sender("SRS0=HHH=TT=origin.example=alice@forwarder.example"));
    }

    @Test
    void aNetworkAddsOnlySoManyNewTripletsAnHour() {
        Greylisting greylisting = greylisting(0);
        for (int i = 0; i < Greylisting.NEW_TRIPLETS_PER_HOUR + 50; i++) {
            assertEquals(451, greylisting.screen(envelope("192.0.2.10", "a@sender.example", "bob" + i + "@example.test")).code());
        }
        assertEquals(Greylisting.NEW_TRIPLETS_PER_HOUR, records.triplets.size(), "beyond the cap: deferred without a row");
        clock.now = clock.now.plus(Duration.ofHours(1));
        greylisting.screen(envelope("192.0.2.10", "late@sender.example", "bob@example.test"));
        assertEquals(Greylisting.NEW_TRIPLETS_PER_HOUR + 1, records.triplets.size(), "the next hour, new rows again");
    }

    @Test
    void aNetworkThatPassedOftenEnoughIsAllowedAtOnce() {
        Greylisting greylisting = greylisting(2);
        for (String recipient : List.of("one@example.test", "two@example.test")) {
            greylisting.screen(envelope("192.0.2.10", "a@sender.example", recipient));
        }
        clock.now = clock.now.plusSeconds(301);
        for (String recipient : List.of("one@example.test", "two@example.test")) {
            assertNull(greylisting.screen(envelope("192.0.2.10", "a@sender.example", recipient)));
        }
        assertNull(greylisting.screen(envelope("192.0.2.11", "x@elsewhere.example", "three@example.test")));
    }

    @Test
    void theNetworkIsTheSlash24OrSlash64() throws Exception {
        assertEquals("192.0.2.0/24", Greylisting.network(InetAddress.getByName("192.0.2.77")));
        assertEquals("20010db800010002::/64", Greylisting.network(InetAddress.getByName("2001:db8:1:2:3:4:567:89ab")));
    }
}
