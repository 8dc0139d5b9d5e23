package org.mailforge.smtp.ra;

import java.io.Serializable;
import java.util.Map;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.AdministeredObject;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;

import org.mailforge.smtp.spi.AdapterStatistics;
import org.mailforge.smtp.spi.ListenerCounts;

/**
 * The adapter's statistics as an administered object: the container associates it with the
 * adapter instance, and the application looks it up by the JNDI name server.xml binds it to
 * ({@code adminObject}). Before that association every figure is zero.
 */
@AdministeredObject(adminObjectInterfaces = AdapterStatistics.class)
public class AdapterStatisticsObject implements AdapterStatistics, ResourceAdapterAssociation, Serializable {

    private static final long serialVersionUID = 1L;

    private transient SmtpResourceAdapter adapter;

    @Override
    public boolean isListening() {
        return adapter != null && adapter.isListening();
    }

    @Override
    public Map<String, ListenerCounts> byListener() {
        return adapter == null ? Map.of() : adapter.counts();
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
