package org.mailforge.smtp.ra;

import java.io.Serializable;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.AdministeredObject;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;

import org.mailforge.smtp.ratelimit.RateLimit;
import org.mailforge.smtp.spi.AdapterStatistics;

/**
 * The adapter's statistics as an administered object: the container associates it with the
 * adapter instance, and the application looks it up by the JNDI name it defines for it (an
 * {@code @AdministeredObjectDefinition}). Before that association every figure is zero.
 */
@AdministeredObject(adminObjectInterfaces = AdapterStatistics.class)
public class AdapterStatisticsObject implements AdapterStatistics, ResourceAdapterAssociation, Serializable {

    private static final long serialVersionUID = 1L;

    private transient SmtpResourceAdapter adapter;

    private ListenerStatistics listeners() {
        return adapter == null ? ListenerStatistics.NONE : adapter.statistics();
    }

    @Override
    public boolean isListening() {
        return listeners().isListening();
    }

    @Override
    public long active() {
        return listeners().active();
    }

    @Override
    public long total() {
        return listeners().total();
    }

    @Override
    public long refused() {
        return listeners().rejected();
    }

    @Override
    public long refusedLastMinute() {
        return listeners().rejectedLastMinute();
    }

    @Override
    public long refusedPerAddress() {
        return listeners().refusedPerAddress();
    }

    @Override
    public long stressTimeouts() {
        return listeners().stressTimeouts();
    }

    @Override
    public long rateLimited(RateLimit limit) {
        return adapter == null ? 0 : adapter.rateLimitCounters().refusals(limit);
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return adapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof SmtpResourceAdapter smtp)) {
            throw new ResourceException("not the SMTP resource adapter: " + ra);
        }
        this.adapter = smtp;
    }

    // an administered object is a JavaBean; identity is its equality
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
