package org.mailforge.infrastructure.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailforge.application.verification.AuthenticationResults.Spf;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.infrastructure.outbound.TestDnsServer;
import org.mailforge.testing.Python;

/**
 * SPF results on a table of records, each judged twice: against the result the RFC asks for, and
 * against pyspf (Debian's python3-spf) asking the same DNS server on 127.0.0.1.
 */
class SpfVerifierTest {

    /** client address, envelope sender, expected result */
    private record Case(String ip, String sender, String expected) {
    }

    private static final List<Case> CASES = List.of(
            new Case("127.0.0.1", "a@pass.example", "pass"),
            new Case("127.0.0.2", "a@pass.example", "fail"),
            new Case("127.0.0.2", "a@soft.example", "softfail"),
            new Case("127.0.0.2", "a@neutral.example", "neutral"),
            new Case("127.0.0.1", "a@include.example", "pass"),
            new Case("127.0.0.2", "a@include.example", "fail"),
            new Case("127.0.0.2", "a@redirect.example", "softfail"),
            new Case("127.0.0.3", "a@a.example", "pass"),
            new Case("127.0.0.5", "a@a.example", "fail"),
            new Case("127.0.0.4", "a@mx.example", "pass"),
            new Case("127.0.0.3", "a@mx.example", "fail"),
            new Case("::1", "a@ip6.example", "pass"),
            new Case("::2", "a@ip6.example", "fail"),
            new Case("127.0.0.1", "a@exists.example", "pass"),
            new Case("127.0.0.2", "a@exists.example", "fail"),
            new Case("127.0.0.1", "a@nosuch.example", "none"),
            new Case("127.0.0.1", "a@nospf.example", "none"),
            new Case("127.0.0.1", "a@limit.example", "permerror"),
            new Case("127.0.0.1", "a@voids.example", "permerror"),
            new Case("127.0.0.1", "a@twovoids.example", "pass"),
            new Case("127.0.0.1", "a@syntax.example", "permerror"),
            new Case("127.0.0.1", "a@tworecords.example", "permerror"),
            // an IPv6 client and three IPv4-only MX hosts: their three empty AAAA answers are void lookups (pyspf agrees)
            new Case("2001:db8::1", "a@v4mx.example", "permerror"));

    private static TestDnsServer dns;

    @BeforeAll
    static void zone() throws Exception {
        TestDnsServer.Zone zone = TestDnsServer.zone()
                .txt("pass.example", "v=spf1 ip4:127.0.0.1 -all")
                .txt("soft.example", "v=spf1 ip4:10.0.0.0/8 ~all")
                .txt("neutral.example", "v=spf1 ?all")
                .txt("include.example", "v=spf1 include:pass.example -all")
                .txt("redirect.example", "v=spf1 redirect=soft.example")
                .txt("a.example", "v=spf1 a -all").a("a.example", "127.0.0.3")
                .txt("mx.example", "v=spf1 mx -all").mx("mx.example", 10, "mail.mx.example").a("mail.mx.example", "127.0.0.4")
                .txt("ip6.example", "v=spf1 ip6:::1 -all")
                .txt("exists.example", "v=spf1 exists:%{i}.allowed.exists.example -all")
                .a("127.0.0.1.allowed.exists.example", "127.0.0.2")
                .txt("nospf.example", "just a text record")
                .txt("voids.example", "v=spf1 a:v1.example a:v2.example a:v3.example ip4:127.0.0.1 -all")
                .txt("twovoids.example", "v=spf1 a:v1.example a:v2.example ip4:127.0.0.1 -all")
                .txt("syntax.example", "v=spf1 ip4:not-an-address -all")
                .txt("tworecords.example", "v=spf1 ip4:127.0.0.1 -all").txt("tworecords.example", "v=spf1 -all")
                .txt("v4mx.example", "v=spf1 mx ip6:2001:db8::1 -all")
                .mx("v4mx.example", 10, "m1.v4mx.example").mx("v4mx.example", 20, "m2.v4mx.example").mx("v4mx.example", 30, "m3.v4mx.example")
                .a("m1.v4mx.example", "192.0.2.1").a("m2.v4mx.example", "192.0.2.2").a("m3.v4mx.example", "192.0.2.3");
        StringBuilder limit = new StringBuilder("v=spf1");
        for (int i = 1; i <= 11; i++) {
            limit.append(" include:l").append(i).append(".example");
            zone.txt("l" + i + ".example", "v=spf1 -all");
        }
        dns = zone.txt("limit.example", limit.append(" ip4:127.0.0.1 -all").toString()).serve();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    /**
     * One verifier serves every session at once: eight threads asking it over and over, cases
     * that pass and fail on the same policies (a macro, include, redirect, a and mx terms) taking
     * turns, each get the result the case asks for. It caught a cache of parsed policies (#38):
     * jSPF adds to a parsed record while it checks it, so a parse serves one check only.
     */
    @Test
    void concurrentChecksOfTheSamePoliciesGetTheirOwnResults() throws Exception {
        SpfVerifier verifier = new SpfVerifier(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))), "mx.example.test");
        List<Case> shared = CASES.stream().filter(c -> !c.expected().equals("permerror")).toList();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<List<String>>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                runs.add(threads.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < 20 * shared.size(); i++) {
                        Case c = shared.get((i + offset) % shared.size());
                        String result = verifier.check(c.ip(), c.sender(), "client.example", Instant.now().plusSeconds(10)).result();
                        if (!result.equals(c.expected())) {
                            wrong.add(c + ": " + result);
                        }
                    }
                    return wrong;
                }));
            }
            for (java.util.concurrent.Future<List<String>> run : runs) {
                assertEquals(List.of(), run.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void resultsFollowTheRfcAndAgreeWithPyspf() throws Exception {
        SpfVerifier verifier = new SpfVerifier(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))), "mx.example.test");
        List<String> ours = new ArrayList<>();
        List<String> arguments = new ArrayList<>(List.of(dns.address().substring(dns.address().indexOf(':') + 1)));
        for (Case c : CASES) {
            Spf result = verifier.check(c.ip(), c.sender(), "client.example", Instant.now().plusSeconds(5));
            ours.add(c.ip() + " " + c.sender() + " " + result.result());
            arguments.add(c.ip());
            arguments.add(c.sender());
        }
        assertEquals(CASES.stream().map(c -> c.ip() + " " + c.sender() + " " + c.expected()).toList(), ours);
        String pyspf = Python.run("spf, dns.resolver", "python3-spf python3-dnspython", String.join("\n",
                "import spf, sys, dns.resolver",
                "resolver = dns.resolver.Resolver(configure=False)",
                "resolver.nameservers = ['127.0.0.1']",
                "resolver.port = int(sys.argv[1])",
                "dns.resolver.default_resolver = resolver",
                "rest = sys.argv[2:]",
                "for ip, sender in zip(rest[0::2], rest[1::2]):",
                "    print(ip, sender, spf.check2(i=ip, s=sender, h='client.example')[0])"), arguments.toArray(new String[0]));
        assertEquals(String.join("\n", ours), pyspf);
    }

    @Test
    void onlyTxtRecordsAreAskedForSoAResolverRefusingType99ChangesNothing() throws Exception {
        // RFC 7208 3.1: SPF records are TXT only; dnsmasq without an upstream refuses the old type 99
        try (TestDnsServer refusing = TestDnsServer.zone().txt("pass.example", "v=spf1 ip4:127.0.0.1 -all")
                .refusing(org.xbill.DNS.Type.SPF).serve()) {
            SpfVerifier verifier = new SpfVerifier(new DnsClient(DnsClient.resolver(refusing.address(), Duration.ofSeconds(2))),
                    "mx.example.test");
            assertEquals("pass", verifier.check("127.0.0.1", "a@pass.example", "client.example", Instant.now().plusSeconds(5)).result());
            assertEquals("fail", verifier.check("127.0.0.9", "a@pass.example", "client.example", Instant.now().plusSeconds(5)).result());
        }
    }

    /**
     * RFC 7208 4.6.4's limits exist so that one message cannot make us ask DNS without end: once an
     * mx term brings more than ten MX records the result is permerror and none of their addresses
     * is asked for, and after the third void lookup nothing more is asked either.
     */
    @Test
    void oncePermerrorIsCertainNoMoreQuestionsAreAsked() throws Exception {
        TestDnsServer.Zone zone = TestDnsServer.zone().txt("manymx.example", "v=spf1 mx -all")
                .txt("voidy.example", "v=spf1 a:v1.example a:v2.example a:v3.example a:v4.example a:v5.example a:v6.example -all");
        for (int i = 1; i <= 11; i++) {
            zone.mx("manymx.example", i, "m" + i + ".manymx.example").a("m" + i + ".manymx.example", "127.0.0." + (i + 10));
        }
        try (TestDnsServer counted = zone.serve()) {
            SpfVerifier verifier = new SpfVerifier(new DnsClient(DnsClient.resolver(counted.address(), Duration.ofSeconds(2))),
                    "mx.example.test");
            assertEquals("permerror", verifier.check("127.0.0.21", "a@manymx.example", "client.example", Instant.now().plusSeconds(5)).result());
            assertEquals(2, counted.questions(), "the policy and its MX records, no address of the eleven");
            assertEquals("permerror", verifier.check("127.0.0.21", "a@voidy.example", "client.example", Instant.now().plusSeconds(5)).result());
            assertEquals(2 + 1 + 3, counted.questions(), "the policy and three void names, not the other three");
        }
    }

    /**
     * A result is remembered for the same client, sender and HELO name, a minute at most and never
     * longer than the TTL of the records it rests on: a policy published with TTL 0 is evaluated
     * (and asked for) every time, and so is a result resting on an empty answer (whose TTL is not
     * known here); a temporary error is never remembered.
     */
    @Test
    void resultsAreRememberedNoLongerThanTheirRecordsAllow() throws Exception {
        SpfVerifier verifier = new SpfVerifier(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))), "mx.example.test");
        for (int i = 0; i < 3; i++) {
            Spf result = verifier.check("127.0.0.1", i % 2 == 0 ? "a@pass.example" : "a@PASS.example", "client.example",
                    Instant.now().plusSeconds(5));
            assertEquals("pass", result.result());
            assertEquals("127.0.0.1 is allowed", result.reason());
        }
        assertEquals(1, verifier.evaluations(), "the same client, sender and HELO: evaluated once");
        Spf other = verifier.check("127.0.0.1", "b@pass.example", "client.example", Instant.now().plusSeconds(5));
        assertEquals("b@pass.example", other.mailFrom(), "shown with its own sender");
        assertEquals("fail", verifier.check("127.0.0.2", "a@pass.example", "client.example", Instant.now().plusSeconds(5)).result());
        assertEquals(3, verifier.evaluations(), "another sender, another client: evaluated");
        for (int i = 0; i < 2; i++) {
            assertEquals("none", verifier.check("127.0.0.1", "a@nosuch.example", "client.example", Instant.now().plusSeconds(5)).result());
        }
        assertEquals(5, verifier.evaluations(), "a result resting on an empty answer (no such domain): evaluated every time");

        try (TestDnsServer shortLived = TestDnsServer.zone().add(new org.xbill.DNS.TXTRecord(org.xbill.DNS.Name.fromString("zero.example."),
                org.xbill.DNS.DClass.IN, 0, "v=spf1 ip4:127.0.0.1 -all")).serve()) {
            SpfVerifier zero = new SpfVerifier(new DnsClient(DnsClient.resolver(shortLived.address(), Duration.ofSeconds(2))), "mx.example.test");
            for (int i = 0; i < 3; i++) {
                assertEquals("pass", zero.check("127.0.0.1", "a@zero.example", "client.example", Instant.now().plusSeconds(5)).result());
            }
            assertEquals(3, zero.evaluations(), "TTL 0: evaluated every time");
            assertEquals(3, shortLived.questions(), "and asked every time");
        }
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            SpfVerifier unanswered = new SpfVerifier(new DnsClient(DnsClient.resolver("127.0.0.1:" + silent.getLocalPort(),
                    Duration.ofSeconds(10))), "mx.example.test");
            for (int i = 0; i < 2; i++) {
                assertEquals("temperror", unanswered.check("127.0.0.1", "a@pass.example", "client.example", Instant.now().plusMillis(200)).result());
            }
            assertEquals(2, unanswered.evaluations(), "a temporary error is asked again");
        }
    }

    @Test
    void theNullSenderIsCheckedAsPostmasterOfTheHeloName() throws Exception {
        SpfVerifier verifier = new SpfVerifier(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))), "mx.example.test");
        Spf result = verifier.check("127.0.0.1", "", "pass.example", Instant.now().plusSeconds(5));
        assertEquals("pass", result.result());
        assertEquals("", result.mailFrom());
        assertEquals("fail", verifier.check("127.0.0.9", "", "pass.example", Instant.now().plusSeconds(5)).result());
    }

    @Test
    void aSilentDnsIsATemporaryErrorByTheDeadline() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            // the resolver would wait 10 s; the message's deadline is 300 ms away
            SpfVerifier verifier = new SpfVerifier(new DnsClient(DnsClient.resolver("127.0.0.1:" + silent.getLocalPort(),
                    Duration.ofSeconds(10))), "mx.example.test");
            long start = System.nanoTime();
            assertEquals("temperror", verifier.check("127.0.0.1", "a@pass.example", "client.example", Instant.now().plusMillis(300)).result());
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "answered by the deadline, not the resolver's timeout");
        }
    }

    @Test
    void hostileSendersAreAnsweredNotThrown() throws Exception {
        SpfVerifier verifier = new SpfVerifier(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))), "mx.example.test");
        for (String sender : List.of("no-at-sign", "a@", "@b", "a@" + "x".repeat(300) + ".example", "a@bad..name", "\"q u\"@pass.example")) {
            String result = verifier.check("127.0.0.1", sender, "client.example", Instant.now().plusSeconds(5)).result();
            assertTrue(List.of("none", "neutral", "pass", "fail", "softfail", "permerror", "temperror").contains(result), sender + ": " + result);
        }
    }
}
