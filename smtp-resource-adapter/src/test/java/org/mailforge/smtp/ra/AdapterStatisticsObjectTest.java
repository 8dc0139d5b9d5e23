package org.mailforge.smtp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.resource.ResourceException;

import org.junit.jupiter.api.Test;
import org.mailforge.smtp.ratelimit.RateLimit;

/** The administered object reads the figures of the adapter it is associated with, and only those. */
class AdapterStatisticsObjectTest {

    @Test
    void readsTheAssociatedAdaptersCounters() throws ResourceException {
        SmtpResourceAdapter adapter = new SmtpResourceAdapter();
        SmtpResourceAdapter other = new SmtpResourceAdapter();
        AdapterStatisticsObject statistics = new AdapterStatisticsObject();
        assertFalse(statistics.isListening(), "not associated yet: nothing listens");
        statistics.setResourceAdapter(adapter);

        adapter.statistics().listenerStarted();
        adapter.statistics().opened();
        adapter.statistics().opened();
        adapter.statistics().closed();
        adapter.statistics().rejectedOne();
        adapter.statistics().refusedOnePerAddress();
        adapter.rateLimitCounters().refused(RateLimit.CONNECTIONS);
        other.statistics().opened();
        other.rateLimitCounters().refused(RateLimit.CONNECTIONS);

        assertTrue(statistics.isListening());
        assertEquals(1, statistics.active());
        assertEquals(3, statistics.total(), "two sessions and one refused connection");
        assertEquals(1, statistics.refused());
        assertEquals(1, statistics.refusedLastMinute());
        assertEquals(1, statistics.refusedPerAddress());
        assertEquals(1, statistics.rateLimited(RateLimit.CONNECTIONS));
        assertEquals(0, statistics.rateLimited(RateLimit.MESSAGES));
    }

    @Test
    void refusesAnotherAdapter() {
        jakarta.resource.spi.ResourceAdapter foreign = (jakarta.resource.spi.ResourceAdapter) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {jakarta.resource.spi.ResourceAdapter.class}, (proxy, method, args) -> null);
        assertThrows(ResourceException.class, () -> new AdapterStatisticsObject().setResourceAdapter(foreign));
    }
}
