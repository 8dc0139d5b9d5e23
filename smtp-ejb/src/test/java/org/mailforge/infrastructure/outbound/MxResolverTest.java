package org.mailforge.infrastructure.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailforge.infrastructure.outbound.TestDnsServer.a;
import static org.mailforge.infrastructure.outbound.TestDnsServer.mx;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MX resolution against a real (tiny) authoritative DNS server on 127.0.0.1 over UDP, the way
 * SMTP_DNS_SERVER points the server at one; nothing leaves the machine.
 */
class MxResolverTest {

    private static TestDnsServer dns;
    private static MxResolver resolver;

    @BeforeAll
    static void startDns() throws Exception {
        dns = new TestDnsServer(Map.of(
                "multi.test.", List.of(mx("multi.test.", 20, "mx2.multi.test."), mx("multi.test.", 10, "mx1.multi.test.")),
                "mx1.multi.test.", List.of(a("mx1.multi.test.", "127.0.0.11")),
                "mx2.multi.test.", List.of(a("mx2.multi.test.", "127.0.0.12")),
                "plain.test.", List.of(a("plain.test.", "127.0.0.13")),
                "nullmx.test.", List.of(mx("nullmx.test.", 0, "."))));
        resolver = new MxResolver(dns.address(), Duration.ofSeconds(2));
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    @Test
    void mxHostsComeInPreferenceOrder() throws Exception {
        List<MxResolver.Destination> destinations = resolver.destinations("Multi.Test");
        assertEquals(List.of("mx1.multi.test", "mx2.multi.test"), destinations.stream().map(MxResolver.Destination::host).toList());
        assertEquals("127.0.0.11", destinations.get(0).address().getHostAddress());
    }

    @Test
    void withoutMxTheDomainItselfIsTheMailHost() throws Exception {
        List<MxResolver.Destination> destinations = resolver.destinations("plain.test");
        assertEquals(1, destinations.size());
        assertEquals("127.0.0.13", destinations.get(0).address().getHostAddress());
    }

    @Test
    void aNullMxAndAMissingDomainArePermanent() {
        MxResolver.NoMailDomainException nullMx = assertThrows(MxResolver.NoMailDomainException.class,
                () -> resolver.destinations("nullmx.test"));
        assertTrue(nullMx.nullMx());
        MxResolver.NoMailDomainException missing = assertThrows(MxResolver.NoMailDomainException.class,
                () -> resolver.destinations("missing.test"));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    }

    @Test
    void aZoneOfManyMxHostsIsLookedUpOnlyAsFarAsAnAttemptGoes() throws Exception {
        TestDnsServer.Zone zone = TestDnsServer.zone();
        for (int i = 0; i < 12; i++) {
            zone.mx("many.test", 10, "m" + i + ".many.test").a("m" + i + ".many.test", "127.0.1." + (i + 1));
        }
        try (TestDnsServer many = zone.serve()) {
            List<MxResolver.Destination> destinations = new MxResolver(many.address(), Duration.ofSeconds(2)).destinations("many.test");
            assertEquals(5, destinations.size(), "an attempt tries five addresses");
            assertTrue(many.questions() <= 1 + 2 * 5, "MX, then A and AAAA of five hosts, not of twelve: " + many.questions());
        }
    }
}
