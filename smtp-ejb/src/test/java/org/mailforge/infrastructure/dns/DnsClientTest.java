package org.mailforge.infrastructure.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import org.mailforge.infrastructure.outbound.TestDnsServer;

/** A resolver that stops answering costs the checks of received mail a few timeouts, not one per message. */
class DnsClientTest {

    @Test
    void afterFiveUnansweredQuestionsDnsCountsAsFailingAndIsNotAskedForAWhile() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            long[] now = {0};
            DnsClient dns = new DnsClient(DnsClient.resolver("127.0.0.1:" + silent.getLocalPort(), Duration.ofSeconds(2)), () -> now[0], true);
            for (int i = 0; i < DnsClient.FAILURES_TO_OPEN; i++) {
                String name = "q" + i + ".example.test";
                assertFalse(dns.failing(), "not yet, after " + i);
                assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.query(name, Type.TXT, Instant.now().plusMillis(1100)));
            }
            assertTrue(dns.failing());
            long asked = System.nanoTime();
            assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.query("next.example.test", Type.TXT, Instant.now().plusSeconds(2)));
            assertTrue(System.nanoTime() - asked < Duration.ofMillis(500).toNanos(), "answered at once, not after its timeout");

            now[0] += DnsClient.OPEN_FOR.toNanos() + 1;
            assertFalse(dns.failing(), "after the period questions go out again");
            var probe = dns.start("probe.example.test", Type.TXT);
            long others = System.nanoTime();
            assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.query("meanwhile.example.test", Type.TXT, Instant.now().plusSeconds(2)));
            assertTrue(System.nanoTime() - others < Duration.ofMillis(500).toNanos(), "one probe at a time: the others still fail at once");
            assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.await("probe.example.test", probe, Instant.now().plusMillis(1100)));
            assertTrue(dns.failing(), "the probe's failure is another period");
            assertFalse(dns.query("bad..name", Type.TXT, Instant.now().plusSeconds(1)).nameExists(), "no such name, without asking");
            assertTrue(dns.failing(), "a name DNS was never asked about proves nothing");
        }
    }

    @Test
    void aTimeoutOfAMessagesLastMillisecondsSaysNothingAboutDns() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DnsClient dns = new DnsClient(DnsClient.resolver("127.0.0.1:" + silent.getLocalPort(), Duration.ofSeconds(2)), System::nanoTime, true);
            for (int i = 0; i < 2 * DnsClient.FAILURES_TO_OPEN; i++) {
                String name = "short" + i + ".example.test";
                assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.query(name, Type.TXT, Instant.now().plusMillis(50)));
            }
            assertFalse(dns.failing(), "50 ms left of a message's budget is not DNS failing");
        }
    }

    @Test
    void onlyTheSenderChecksClientFailsFast() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // MTA-STS discovery, DNS lists, ARC: a sender that makes its own domains time out must not switch them off for others
            DnsClient dns = DnsClient.forChecks("127.0.0.1:" + silent.getLocalPort());
            for (int i = 0; i < DnsClient.FAILURES_TO_OPEN + 1; i++) {
                String name = "slow" + i + ".example.test";
                assertThrows(DnsClient.DnsTimeoutException.class, () -> dns.query(name, Type.TXT, Instant.now().plusMillis(1100)));
            }
            assertFalse(dns.failing());
        }
    }

    @Test
    void anAnswerEndsTheCount() throws Exception {
        try (TestDnsServer server = TestDnsServer.zone().txt("up.example.test", "v=spf1 -all").serve()) {
            DnsClient dns = new DnsClient(DnsClient.resolver(server.address(), Duration.ofSeconds(2)));
            assertEquals(1, dns.query("up.example.test", Type.TXT, Instant.now().plusSeconds(2)).records().size());
            assertFalse(dns.failing());
        }
    }
}
