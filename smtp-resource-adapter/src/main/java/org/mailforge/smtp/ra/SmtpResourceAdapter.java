package org.mailforge.smtp.ra;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.transaction.xa.XAResource;

import jakarta.resource.ResourceException;
import jakarta.resource.NotSupportedException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;

import org.mailforge.smtp.ratelimit.RateLimitCounters;

/**
 * The SMTP resource adapter: for every activated message-driven bean it binds an SMTP listener
 * and delivers the mail received there to that bean.
 */
@Connector(
        displayName = "Mailforge SMTP resource adapter",
        vendorName = "Mailforge",
        eisType = "SMTP",
        version = "0.14.0",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction)
public class SmtpResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(SmtpResourceAdapter.class.getName());

    private final Map<ActivationKey, SmtpListener> listeners = new ConcurrentHashMap<>();
    private final ListenerStatistics statistics = new ListenerStatistics();
    private final RateLimitCounters rateLimitCounters = new RateLimitCounters();
    private WorkManager workManager;

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        this.workManager = context.getWorkManager();
        LOG.info("Mailforge SMTP resource adapter started");
    }

    @Override
    public void stop() {
        listeners.values().forEach(SmtpListener::stop);
        listeners.clear();
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec activationSpec) throws ResourceException {
        if (!(activationSpec instanceof SmtpActivationSpec spec)) {
            throw new NotSupportedException("unexpected activation spec " + activationSpec);
        }
        spec.validate();
        SmtpListener listener = new SmtpListener(spec, new EndpointListener(factory), workManager, spec.tlsContext(),
                statistics, rateLimitCounters);
        try {
            listener.start();
        } catch (java.io.IOException e) {
            throw new ResourceException("cannot listen on " + spec.host() + ":" + spec.port()
                    + " (check SMTP_HOST and SMTP_PORT): " + e.getMessage(), e);
        }
        listeners.put(new ActivationKey(factory, spec), listener);
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec activationSpec) {
        SmtpListener listener = listeners.remove(new ActivationKey(factory, activationSpec));
        if (listener != null) {
            listener.stop();
        }
    }

    /** The connection counters of this adapter's listeners. */
    ListenerStatistics statistics() {
        return statistics;
    }

    /** The refusals of this adapter's rate limiters. */
    RateLimitCounters rateLimitCounters() {
        return rateLimitCounters;
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    /** Activations are identified by factory and spec instance, as the JCA specification requires. */
    private record ActivationKey(MessageEndpointFactory factory, ActivationSpec spec) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ActivationKey k && k.factory == factory && k.spec == spec;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(factory) * 31 + System.identityHashCode(spec);
        }
    }

    // A resource adapter JavaBean must define equals/hashCode (JCA 5.3.1); identity is right here.
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
