package org.mailforge.application.screening;

import org.mailforge.domain.screening.DnsListSite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.mailforge.application.config.ScreeningConfiguration;
import org.mailforge.smtp.ratelimit.Cidr;
import org.mailforge.smtp.spi.ClientScreening;

class ClientScreeningServiceTest {

    private final GreylistingTest.MemoryRecords records = new GreylistingTest.MemoryRecords();
    private final GreylistingTest.MutableClock clock = new GreylistingTest.MutableClock(Instant.parse("2026-12-06T10:00:00Z"));

    /** Which zones name which client. */
    private final Map<String, List<String>> listings = Map.of(
            "192.0.2.2", List.of("bl.example", "zen.example"),
            "192.0.2.3", List.of("zen.example"),
            "192.0.2.4", List.of("zen.example", "wl.example"));

    private ClientScreeningService service(Duration pregreet) {
        List<DnsListSite> sites = List.of(DnsListSite.parse("zen.example*2"), DnsListSite.parse("bl.example"),
                DnsListSite.parse("wl.example=127.0.[0..255].[1..255]*-3"));
        ScreeningConfiguration settings = new ScreeningConfiguration(pregreet, sites, 3, false, Duration.ofMinutes(5), 5,
                Cidr.parseList("127.0.0.0/8"));
        DnsListLookup lookup = (client, asked, deadline) -> asked.stream()
                .filter(site -> listings.getOrDefault(client.getHostAddress(), List.of()).contains(site.zone())).toList();
        return new ClientScreeningService(settings, lookup, records, GreylistingTest.METRICS, clock);
    }

    @Test
    void aClientWhoseWeightsReachTheThresholdIsRefusedNamingTheLists() {
        ClientScreening refused = service(Duration.ZERO).screen("192.0.2.2");
        assertEquals(554, refused.refusal().code());
        assertEquals("5.7.1", refused.refusal().status());
        assertEquals("Service unavailable; client [192.0.2.2] blocked using zen.example, bl.example", refused.refusal().lines().get(0));
        assertEquals(3, refused.score());
        ClientScreening below = service(Duration.ZERO).screen("192.0.2.3");
        assertNull(below.refusal());
        assertEquals(2, below.score(), "below the threshold the score goes on to later checks");
        assertEquals(-1, service(Duration.ZERO).screen("192.0.2.4").score(), "an allow-list outweighs a block list");
    }

    @Test
    void unknownClientsAreHeldBackUntilTheyPassThenGreetedAtOnceForADay() {
        ClientScreeningService service = service(Duration.ofMillis(800));
        assertEquals(Duration.ofMillis(800), service.screen("192.0.2.9").greetingHold());
        service.greetingTest("192.0.2.9", false);
        assertEquals(Duration.ofMillis(800), service.screen("192.0.2.9").greetingHold(), "an early talker is tested again");
        service.greetingTest("192.0.2.9", true);
        assertEquals(Duration.ZERO, service.screen("192.0.2.9").greetingHold());
        assertEquals(java.util.Map.of(), records.greetings, "written every two seconds, not by the session");
        service.writePasses();
        ClientScreeningService otherNode = service(Duration.ofMillis(800));
        assertEquals(Duration.ZERO, otherNode.screen("192.0.2.9").greetingHold(), "another node reads the pass from the database");
        clock.now = clock.now.plus(Duration.ofDays(1)).plusSeconds(1);
        assertEquals(Duration.ofMillis(800), otherNode.screen("192.0.2.9").greetingHold(), "a pass lasts a day");
        assertEquals(Duration.ZERO, service.screen("192.0.2.4").greetingHold(), "an allow-listed client is never held");
        assertEquals(ClientScreening.PASS, service.screen("127.0.0.5"), "exempt networks are not screened");
        service.greetingTest("2001:db8:1:2::10", true);
        assertEquals(Duration.ZERO, service.screen("2001:db8:1:2::99").greetingHold(), "IPv6: the pass holds for the /64");
        assertEquals(Duration.ofMillis(800), service.screen("2001:db8:1:3::10").greetingHold());
        assertEquals(new org.mailforge.smtp.spi.ScreeningScope(true, false), service.scope());
        assertEquals(org.mailforge.smtp.spi.ScreeningScope.NONE, new ClientScreeningService(ScreeningConfiguration.off(),
                (client, asked, deadline) -> List.of(), records, GreylistingTest.METRICS, clock).scope(), "nothing to call when all is off");
    }
}
