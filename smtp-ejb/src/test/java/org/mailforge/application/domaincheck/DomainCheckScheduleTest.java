package org.mailforge.application.domaincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.mailforge.application.domaincheck.DomainCheck.Item;
import org.mailforge.application.domaincheck.DomainCheck.Status;
import org.mailforge.application.events.ServerEvents;

/** The daily check announces a check only when it turns to fail, and takes a domain once a day. */
class DomainCheckScheduleTest {

    /** The records as the database keeps them: the failing checks, and when each domain was last taken. */
    private static final class Records implements DomainCheckRecords {
        final Map<String, Instant> checked = new HashMap<>();
        final Map<String, List<String>> failing = new HashMap<>();

        @Override
        public Optional<Previous> claim(String domain, Instant now, Duration interval) {
            if (checked.getOrDefault(domain, Instant.EPOCH).isAfter(now.minus(interval))) {
                return Optional.empty();
            }
            checked.put(domain, now);
            return Optional.of(new Previous(failing.containsKey(domain), failing.getOrDefault(domain, List.of())));
        }

        @Override
        public void record(String domain, List<String> names) {
            failing.put(domain, List.copyOf(names));
        }
    }

    @Test
    void aCheckThatTurnsToFailIsAnnouncedOnceAndADomainIsTakenOnceADay() {
        List<Status> spf = new ArrayList<>(List.of(Status.PASS));
        List<Boolean> answered = new ArrayList<>(List.of(true));
        List<String> announced = new ArrayList<>();
        DomainCheckSchedule schedule = new DomainCheckSchedule();
        schedule.records = new Records();
        schedule.checks = new DomainCheckService() {
            @Override
            public DomainCheck check(String domain) {
                return new DomainCheck(domain, Instant.now(), List.of("192.0.2.1"), List.of(
                        new Item("mx", Status.PASS, "here", null, null),
                        new Item("spf", spf.get(0), "why", null, null, null, answered.get(0))));
            }
        };
        schedule.events = new ServerEvents() {
            @Override
            public void publish(String event, Supplier<Map<String, Object>> data) {
                announced.add(event + " " + data.get().get("new"));
            }
        };
        Instant day = Instant.parse("2026-12-06T05:23:00Z");
        spf.set(0, Status.FAIL);
        schedule.clock = java.time.Clock.fixed(day, java.time.ZoneOffset.UTC);
        assertEquals(List.of(), schedule.checkIfDue("example.org"), "the first check sets the baseline, failing or not");
        assertNull(schedule.checkIfDue("example.org"), "taken once a day");

        spf.set(0, Status.PASS);
        schedule.clock = java.time.Clock.fixed(day.plus(Duration.ofDays(1)), java.time.ZoneOffset.UTC);
        assertEquals(List.of(), schedule.checkIfDue("example.org"), "mended");
        spf.set(0, Status.FAIL);
        schedule.clock = java.time.Clock.fixed(day.plus(Duration.ofDays(2)), java.time.ZoneOffset.UTC);
        assertEquals(List.of("spf"), schedule.checkIfDue("example.org"), "broken again: announced");
        spf.set(0, Status.WARNING);
        answered.set(0, false);
        schedule.clock = java.time.Clock.fixed(day.plus(Duration.ofDays(3)), java.time.ZoneOffset.UTC);
        assertEquals(List.of(), schedule.checkIfDue("example.org"), "DNS did not answer: the failure stands");
        spf.set(0, Status.FAIL);
        answered.set(0, true);
        schedule.clock = java.time.Clock.fixed(day.plus(Duration.ofDays(4)), java.time.ZoneOffset.UTC);
        assertEquals(List.of(), schedule.checkIfDue("example.org"), "DNS is back, the failure too: nothing new to announce");
        assertEquals(List.of("domain.check.failed [spf]"), announced);
    }
}
