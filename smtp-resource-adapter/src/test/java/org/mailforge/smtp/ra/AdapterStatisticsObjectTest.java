package org.mailforge.smtp.ra;

import org.mailforge.smtp.spi.ListenerKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.resource.ResourceException;

import org.junit.jupiter.api.Test;
import org.mailforge.smtp.spi.RateLimit;
import org.mailforge.smtp.spi.ListenerCounts;

/** The administered object reads the figures of the adapter it is associated with, and only those. */
class AdapterStatisticsObjectTest {

    @Test
    void readsTheAssociatedAdaptersCounters() throws ResourceException {
        SmtpResourceAdapter adapter = new SmtpResourceAdapter();
        SmtpResourceAdapter other = new SmtpResourceAdapter();
        AdapterStatisticsObject statistics = new AdapterStatisticsObject();
        assertFalse(statistics.isListening(), "not associated yet: nothing listens");
        statistics.setResourceAdapter(adapter);

        ListenerStatistics smtp = adapter.statisticsOf(ListenerKind.SMTP);
        ListenerStatistics submission = adapter.statisticsOf(ListenerKind.SUBMISSION);
        smtp.listenerStarted();
        smtp.opened();
        smtp.opened();
        smtp.closed();
        smtp.rejectedOne();
        smtp.refusedOnePerAddress();
        smtp.rateLimits().refused(RateLimit.CONNECTIONS);
        submission.opened();
        submission.rejectedOpen(); // behind a proxy: counted open, then refused for its real address
        submission.rateLimits().refused(RateLimit.CONNECTIONS);
        other.statisticsOf(ListenerKind.SMTP).opened();
        other.statisticsOf(ListenerKind.SMTP).rateLimits().refused(RateLimit.CONNECTIONS);

        assertTrue(statistics.isListening());
        assertEquals(java.util.List.of("smtp", "submission"), java.util.List.copyOf(statistics.byListener().keySet()));
        ListenerCounts mx = statistics.byListener().get("smtp");
        assertEquals(1, mx.active());
        assertEquals(3, mx.total(), "two sessions and one refused connection");
        assertEquals(1, mx.refused());
        assertEquals(1, mx.refusedLastMinute());
        assertEquals(1, mx.refusedPerAddress());
        assertEquals(1, mx.rateLimited(RateLimit.CONNECTIONS));
        assertEquals(0, mx.rateLimited(RateLimit.MESSAGES));
        assertEquals(1, statistics.byListener().get("submission").total(), "a refusal after opening is not a second connection");
        assertEquals(2, statistics.active(), "the totals sum the listeners");
        assertEquals(4, statistics.total());
        assertEquals(2, statistics.refused());
        assertEquals(2, statistics.refusedLastMinute());
        assertEquals(2, statistics.rateLimited(RateLimit.CONNECTIONS));
    }

    @Test
    void refusesAnotherAdapter() {
        jakarta.resource.spi.ResourceAdapter foreign = (jakarta.resource.spi.ResourceAdapter) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {jakarta.resource.spi.ResourceAdapter.class}, (proxy, method, args) -> null);
        assertThrows(ResourceException.class, () -> new AdapterStatisticsObject().setResourceAdapter(foreign));
    }
}
