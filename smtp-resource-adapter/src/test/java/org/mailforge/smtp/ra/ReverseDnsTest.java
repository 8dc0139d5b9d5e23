package org.mailforge.smtp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Only 127.0.0.1 is looked up for real (the hosts file answers); nothing leaves the machine. */
class ReverseDnsTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    /** A resolver with fixed answers. */
    private static ReverseDns.Resolver fixed(String ptr, String... forward) {
        return new ReverseDns.Resolver() {
            @Override
            public String nameOf(InetAddress address) {
                return ptr;
            }

            @Override
            public InetAddress[] addressesOf(String name) throws UnknownHostException {
                InetAddress[] addresses = new InetAddress[forward.length];
                for (int i = 0; i < forward.length; i++) {
                    addresses[i] = ip(forward[i]);
                }
                return addresses;
            }
        };
    }

    @Test
    void theLoopbackAddressIsLocalhost() throws Exception {
        ReverseDns dns = new ReverseDns(ReverseDns.Resolver.SYSTEM, executor, Duration.ofSeconds(5));
        assertEquals("localhost", dns.verifiedName(ip("127.0.0.1")));
    }

    @Test
    void aNameCountsOnlyWhenItResolvesBackToTheAddress() throws Exception {
        assertEquals("mail.example.test", new ReverseDns(fixed("Mail.Example.TEST", "192.0.2.9", "192.0.2.1"), executor,
                Duration.ofSeconds(1)).verifiedName(ip("192.0.2.1")));
        assertNull(new ReverseDns(fixed("paypal.com.example", "198.51.100.1"), executor, Duration.ofSeconds(1))
                .verifiedName(ip("192.0.2.1")), "a PTR anyone can set, not confirmed");
        assertNull(new ReverseDns(fixed(null), executor, Duration.ofSeconds(1)).verifiedName(ip("192.0.2.1")));
    }

    @Test
    void aSlowResolverCostsTheTimeLimitAtMost() throws Exception {
        ReverseDns.Resolver hanging = new ReverseDns.Resolver() {
            @Override
            public String nameOf(InetAddress address) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "late.example.test";
            }

            @Override
            public InetAddress[] addressesOf(String name) throws UnknownHostException {
                return new InetAddress[] {ip("192.0.2.1")};
            }
        };
        long start = System.nanoTime();
        assertNull(new ReverseDns(hanging, executor, Duration.ofMillis(200)).verifiedName(ip("192.0.2.1")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2_000, "took " + millis + " ms");
    }

    @Test
    void noThreadForTheLookupMeansNoName() throws Exception {
        ReverseDns dns = new ReverseDns(ReverseDns.Resolver.SYSTEM, task -> {
            throw new java.util.concurrent.RejectedExecutionException("busy");
        }, Duration.ofSeconds(1));
        assertNull(dns.verifiedName(ip("127.0.0.1")));
    }
}
