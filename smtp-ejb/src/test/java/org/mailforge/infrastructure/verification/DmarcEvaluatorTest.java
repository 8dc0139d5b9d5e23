package org.mailforge.infrastructure.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailforge.application.verification.AuthenticationResults.Dkim;
import org.mailforge.application.verification.AuthenticationResults.Dmarc;
import org.mailforge.application.verification.AuthenticationResults.Spf;
import org.mailforge.infrastructure.dns.DnsClient;
import org.mailforge.infrastructure.outbound.TestDnsServer;

/** DMARC policy discovery and alignment (RFC 7489 3.1, 6.6), against records on a DNS server on 127.0.0.1. */
class DmarcEvaluatorTest {

    private static TestDnsServer dns;
    private static DmarcEvaluator dmarc;

    @BeforeAll
    static void zone() throws Exception {
        dns = TestDnsServer.zone()
                .txt("_dmarc.bank.example", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@bank.example")
                .txt("_dmarc.strict.example", "v=DMARC1; p=reject; aspf=s; adkim=s")
                .txt("_dmarc.shop.co.uk", "v=DMARC1; p=quarantine")
                .txt("_dmarc.twice.example", "v=DMARC1; p=reject").txt("_dmarc.twice.example", "v=DMARC1; p=none")
                .txt("_dmarc.nopolicy.example", "v=DMARC1; rua=mailto:d@nopolicy.example")
                .txt("_dmarc.other.example", "v=spf1 -all")
                .serve();
        dmarc = new DmarcEvaluator(new DnsClient(DnsClient.resolver(dns.address(), Duration.ofSeconds(2))));
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    private static Spf spf(String result, String mailFrom) {
        return new Spf(result, mailFrom, "client.example", null);
    }

    private static Dkim dkim(String result, String domain) {
        return new Dkim(result, domain, "s", "rsa-sha256", "abcdefgh", null);
    }

    private static Dmarc evaluate(String from, Spf spf, List<Dkim> dkim) {
        return dmarc.evaluate(from, spf, dkim, Instant.now().plusSeconds(5));
    }

    @Test
    void theOrganisationalDomainComesFromThePublicSuffixList() {
        assertEquals("example.co.uk", DmarcEvaluator.organisationalDomain("mail.eu.example.co.uk"));
        assertEquals("bank.example", DmarcEvaluator.organisationalDomain("News.Bank.Example."));
        assertEquals("example.com", DmarcEvaluator.organisationalDomain("example.com"));
        assertEquals("co.uk", DmarcEvaluator.organisationalDomain("co.uk"));
        assertEquals("blogspot.com", DmarcEvaluator.organisationalDomain("blogspot.com"), "a private suffix is its own organisation");
        assertEquals("alice.blogspot.com", DmarcEvaluator.organisationalDomain("www.alice.blogspot.com"));
    }

    @Test
    void anAlignedPassOfSpfOrDkimPasses() {
        assertEquals("pass", evaluate("bank.example", spf("pass", "bounces@mail.bank.example"), List.of()).result(), "relaxed SPF");
        assertEquals("pass", evaluate("bank.example", spf("fail", "x@elsewhere.example"), List.of(dkim("pass", "news.bank.example"))).result());
        Dmarc failed = evaluate("bank.example", spf("pass", "x@elsewhere.example"), List.of(dkim("pass", "elsewhere.example"),
                dkim("fail", "bank.example")));
        assertEquals("fail", failed.result(), "passes for other domains, a failed signature of its own");
        assertEquals("reject", failed.policy());
        assertEquals("bank.example", failed.fromDomain());
    }

    /** A result that might have passed, had DNS answered, is not a failure that a p=reject would act on. */
    @Test
    void anAlignedResultThatCouldNotBeCheckedIsATemporaryError() {
        assertEquals("temperror", evaluate("bank.example", spf("fail", "x@elsewhere.example"), List.of(dkim("temperror", "bank.example"))).result());
        assertEquals("temperror", evaluate("bank.example", spf("temperror", "bounces@bank.example"), List.of()).result());
        assertEquals("fail", evaluate("bank.example", spf("temperror", "x@elsewhere.example"), List.of(dkim("temperror", "elsewhere.example")))
                .result(), "what could not be checked would not align anyway");
        assertEquals("pass", evaluate("bank.example", spf("temperror", "x@bank.example"), List.of(dkim("pass", "bank.example"))).result());
    }

    @Test
    void strictAlignmentWantsTheSameDomain() {
        assertEquals("fail", evaluate("strict.example", spf("pass", "b@mail.strict.example"), List.of(dkim("pass", "mail.strict.example"))).result());
        assertEquals("pass", evaluate("strict.example", spf("pass", "b@strict.example"), List.of()).result());
        assertEquals("pass", evaluate("strict.example", spf("none", "b@x.example"), List.of(dkim("pass", "STRICT.example"))).result());
    }

    @Test
    void aSubdomainWithoutARecordGetsTheOrganisationsSubdomainPolicy() {
        Dmarc sub = evaluate("news.bank.example", spf("fail", "x@elsewhere.example"), List.of());
        assertEquals("fail", sub.result());
        assertEquals("quarantine", sub.policy(), "sp= of the organisational domain");
        assertEquals("quarantine", evaluate("www.shop.co.uk", spf("fail", "x@e.example"), List.of()).policy(), "no sp=: p=");
    }

    @Test
    void noRecordSeveralRecordsNoFromAndTimeouts() {
        assertEquals("none", evaluate("unlisted.example", spf("fail", "x@e.example"), List.of()).result());
        assertEquals("none", evaluate("twice.example", spf("fail", "x@e.example"), List.of()).result(), "two records are none");
        assertEquals("none", evaluate("other.example", spf("fail", "x@e.example"), List.of()).result(), "not a DMARC record");
        assertEquals("none", evaluate("nopolicy.example", spf("fail", "x@e.example"), List.of()).policy(), "no p=: none");
        // no single author (two From: fields, two addresses, none, unreadable): a failure with the strictest policy
        assertEquals("fail", evaluate(null, spf("pass", "x@e.example"), List.of()).result());
        assertEquals("reject", evaluate(null, spf("pass", "x@e.example"), List.of()).policy());
    }

    @Test
    void aSilentDnsIsATemporaryError() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            DmarcEvaluator slow = new DmarcEvaluator(new DnsClient(DnsClient.resolver("127.0.0.1:" + silent.getLocalPort(), Duration.ofSeconds(2))));
            assertEquals("temperror", slow.evaluate("bank.example", spf("pass", "a@bank.example"), List.of(),
                    Instant.now().plusMillis(300)).result());
        }
    }
}
