package org.mailforge.smtp.ratelimit;

import org.mailforge.smtp.spi.RateLimit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<RateLimit> refusals = new ArrayList<>();

    private RateLimiter limiter(Map<RateLimit, Integer> limits, String exempt, int maxTracked) {
        return new RateLimiter(limits, Cidr.parseList(exempt), maxTracked, now::get, refusals::add);
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void theRequestAfterTheLimitIsRefusedAndCounted() throws Exception {
        RateLimiter limiter = limiter(Map.of(RateLimit.CONNECTIONS, 10), "", 100);
        ClientBudget client = limiter.budgetFor(ip("192.0.2.1"));
        for (int i = 0; i < 10; i++) {
            assertTrue(client.tryConnection(), "connection " + (i + 1));
        }
        assertFalse(client.tryConnection());
        assertEquals(List.of(RateLimit.CONNECTIONS), refusals);
        assertTrue(limiter.budgetFor(ip("192.0.2.2")).tryConnection(), "another address has its own budget");
    }

    @Test
    void theBudgetComesBackOverTheWindow() throws Exception {
        RateLimiter limiter = limiter(Map.of(RateLimit.MESSAGES, 20), "", 100);
        ClientBudget client = limiter.budgetFor(ip("192.0.2.1"));
        for (int i = 0; i < 20; i++) {
            client.tryMessage();
        }
        assertFalse(client.tryMessage());
        now.addAndGet(TimeUnit.MINUTES.toNanos(3)); // one message per three minutes
        assertTrue(client.tryMessage());
        assertFalse(client.tryMessage());
        now.addAndGet(TimeUnit.HOURS.toNanos(2));
        for (int i = 0; i < 20; i++) {
            assertTrue(client.tryMessage(), "a full budget again, not more");
        }
        assertFalse(client.tryMessage());
    }

    @Test
    void authFailuresBlockOnlyOnceUsedUp() throws Exception {
        ClientBudget client = limiter(Map.of(RateLimit.AUTH_FAILURES, 5), "", 100).budgetFor(ip("192.0.2.1"));
        for (int i = 0; i < 5; i++) {
            assertFalse(client.authBlocked(), "after " + i + " failures");
            client.authFailed();
        }
        assertTrue(client.authBlocked());
        assertTrue(client.tryCommand(), "other limits are separate (and this one is off)");
    }

    @Test
    void exemptNetworksAndSwitchedOffLimitsAreUnlimited() throws Exception {
        RateLimiter limiter = limiter(Map.of(RateLimit.COMMANDS, 1), "10.0.0.0/8, 2001:db8::/32", 100);
        assertSame(ClientBudget.UNLIMITED, limiter.budgetFor(ip("10.20.30.40")));
        assertSame(ClientBudget.UNLIMITED, limiter.budgetFor(ip("2001:db8:1::5")));
        ClientBudget outside = limiter.budgetFor(ip("11.0.0.1"));
        assertTrue(outside.tryCommand());
        assertFalse(outside.tryCommand());
        assertTrue(outside.tryConnection(), "connections have no limit here");
        assertSame(ClientBudget.UNLIMITED, limiter(Map.of(), "", 100).budgetFor(ip("11.0.0.1")));
    }

    @Test
    void ipv6AddressesShareTheBudgetOfTheirSlash64() throws Exception {
        RateLimiter limiter = limiter(Map.of(RateLimit.CONNECTIONS, 2), "", 100);
        assertTrue(limiter.budgetFor(ip("2001:db8:0:1::1")).tryConnection());
        assertTrue(limiter.budgetFor(ip("2001:db8:0:1::2")).tryConnection());
        assertFalse(limiter.budgetFor(ip("2001:db8:0:1:ffff::3")).tryConnection());
        assertTrue(limiter.budgetFor(ip("2001:db8:0:2::1")).tryConnection());
    }

    @Test
    void memoryStaysBoundedUnderManyDistinctAddresses() throws Exception {
        RateLimiter limiter = limiter(Map.of(RateLimit.CONNECTIONS, 10), "", 1_000);
        for (int i = 0; i < 50_000; i++) {
            byte[] address = {(byte) 198, (byte) 18, (byte) (i >> 8), (byte) i};
            limiter.budgetFor(InetAddress.getByAddress(address)).tryConnection();
            now.addAndGet(1_000);
            assertTrue(limiter.tracked() <= 1_000, "tracked " + limiter.tracked());
        }
        ClientBudget busy = limiter.budgetFor(ip("192.0.2.9"));
        for (int i = 0; i < 10; i++) {
            busy.tryConnection();
        }
        assertFalse(busy.tryConnection(), "the most recent address is still remembered");
    }

    @Test
    void networksParseStrictlyWithoutLookingAnythingUp() throws Exception {
        Cidr network = Cidr.parse("192.168.4.0/22");
        assertTrue(network.contains(ip("192.168.7.255")));
        assertFalse(network.contains(ip("192.168.8.0")));
        assertFalse(network.contains(ip("::1")));
        assertTrue(Cidr.parse("127.0.0.1").contains(ip("127.0.0.1")));
        assertFalse(Cidr.parse("127.0.0.1").contains(ip("127.0.0.2")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.1")));
        for (String bad : List.of("example.com", "10.0.0.0/33", "10.0.0.0/x", "/8", "::1/129")) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void anAllowanceTellsWhatIsLeftAndWhenToComeBack() throws Exception {
        RateLimiter limiter = limiter(Map.of(RateLimit.API_REQUESTS, 60), "10.0.0.0/8", 100);
        Allowance first = limiter.spend(ip("192.0.2.1"), RateLimit.API_REQUESTS);
        assertEquals(new Allowance(true, 60, 59, 1, 0), first);
        for (int i = 0; i < 59; i++) {
            limiter.spend(ip("192.0.2.1"), RateLimit.API_REQUESTS);
        }
        Allowance refused = limiter.spend(ip("192.0.2.1"), RateLimit.API_REQUESTS);
        assertEquals(new Allowance(false, 60, 0, 60, 1), refused, "one request a second comes back");
        assertEquals(List.of(RateLimit.API_REQUESTS), refusals);
        assertEquals(new Allowance(true, 60, 60, 0, 0), limiter.spend(ip("10.1.1.1"), RateLimit.API_REQUESTS));
    }

    /** Failed logins per account: peeking spends nothing; names never collide with addresses. */
    @Test
    void namedBudgetsArePeekedBeforeTheyAreSpent() throws Exception {
        RateLimiter limiter = limiter(Map.of(RateLimit.AUTH_FAILURES, 3), "127.0.0.1/32", 100);
        for (int i = 0; i < 10; i++) {
            org.junit.jupiter.api.Assertions.assertTrue(limiter.peek("alice", RateLimit.AUTH_FAILURES).allowed());
        }
        for (int i = 0; i < 3; i++) {
            org.junit.jupiter.api.Assertions.assertTrue(limiter.spend("alice", RateLimit.AUTH_FAILURES).allowed());
        }
        Allowance blocked = limiter.peek("alice", RateLimit.AUTH_FAILURES);
        org.junit.jupiter.api.Assertions.assertFalse(blocked.allowed());
        org.junit.jupiter.api.Assertions.assertEquals(1200, blocked.secondsToRetry(), "one failure comes back every 20 minutes");
        org.junit.jupiter.api.Assertions.assertTrue(limiter.peek("bob", RateLimit.AUTH_FAILURES).allowed());
        org.junit.jupiter.api.Assertions.assertTrue(limiter.peek(ip("192.0.2.9"), RateLimit.AUTH_FAILURES).allowed());
        org.junit.jupiter.api.Assertions.assertTrue(limiter.spend("127.0.0.1", RateLimit.AUTH_FAILURES).allowed(),
                "a name that looks like an exempt address is still just a name");
        now.addAndGet(java.time.Duration.ofMinutes(20).toNanos());
        org.junit.jupiter.api.Assertions.assertTrue(limiter.peek("alice", RateLimit.AUTH_FAILURES).allowed());
    }
}
