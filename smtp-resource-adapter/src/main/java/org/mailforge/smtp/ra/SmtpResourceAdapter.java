package org.mailforge.smtp.ra;

import org.mailforge.smtp.spi.ListenerKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
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

import org.mailforge.smtp.spi.ListenerCounts;
import org.mailforge.smtp.tls.ServerTls;

/**
 * The SMTP resource adapter: for every activated message-driven bean it binds the SMTP listeners
 * its activation spec asks for (SMTP, submission, submission over implicit TLS: see
 * {@link ListenerKind}) and delivers the mail received there to that bean.
 */
@Connector(
        displayName = "Mailforge SMTP resource adapter",
        vendorName = "Mailforge",
        eisType = "SMTP",
        version = "0.14.0",
        transactionSupport = TransactionSupport.TransactionSupportLevel.NoTransaction)
public class SmtpResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(SmtpResourceAdapter.class.getName());

    /** How often the listeners look for a renewed certificate: a new one is in use within this time. */
    private static final long CERTIFICATE_CHECK_MILLIS = 5_000;

    private final Map<ActivationKey, Activation> listeners = new ConcurrentHashMap<>();
    /** Per listener kind, kept across restarts of the listeners. */
    private final Map<ListenerKind, ListenerStatistics> statistics = Collections.synchronizedMap(new EnumMap<>(ListenerKind.class));
    private WorkManager workManager;
    private java.util.Timer certificateTimer;

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        this.workManager = context.getWorkManager();
        try {
            certificateTimer = context.createTimer();
        } catch (jakarta.resource.spi.UnavailableException e) {
            throw new ResourceAdapterInternalException("no timer for certificate renewals", e);
        }
        certificateTimer.schedule(task(this::refreshCertificates), CERTIFICATE_CHECK_MILLIS, CERTIFICATE_CHECK_MILLIS);
        LOG.info("Mailforge SMTP resource adapter started");
        if ("platform".equals(SessionThreads.kind())) {
            LOG.warning("Java " + Runtime.version().feature() + " has no virtual threads: every SMTP session holds a platform"
                    + " thread (about 28 KB of memory each, +200 MB for 5,000 held sessions) and a slow client costs a thread."
                    + " Java 17 is the minimum; run a server on the internet on Java 21 or newer (25 recommended)");
        }
    }

    @Override
    public void stop() {
        if (certificateTimer != null) {
            certificateTimer.cancel();
        }
        listeners.values().forEach(Activation::stop);
        listeners.clear();
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec activationSpec) throws ResourceException {
        if (!(activationSpec instanceof SmtpActivationSpec spec)) {
            throw new NotSupportedException("unexpected activation spec " + activationSpec);
        }
        spec.validate();
        EndpointListener endpoint = new EndpointListener(factory);
        ServerTls tls;
        try {
            tls = spec.serverTls(endpoint);
        } catch (ResourceException e) {
            endpoint.close();
            throw e;
        }
        List<SmtpListener> started = new ArrayList<>();
        for (ListenerKind kind : spec.listeners()) {
            SmtpListener listener = new SmtpListener(spec, kind, endpoint, workManager, tls, statisticsOf(kind));
            try {
                listener.start();
            } catch (java.io.IOException e) {
                started.forEach(SmtpListener::stop);
                endpoint.close();
                throw new ResourceException("cannot listen on " + spec.host() + ":" + spec.port(kind) + " (check SMTP_HOST and "
                        + SmtpActivationSpec.portSetting(kind).variable() + "): " + e.getMessage(), e);
            }
            started.add(listener);
        }
        listeners.put(new ActivationKey(factory, spec), new Activation(List.copyOf(started), endpoint, tls));
        certificateTimer.schedule(task(tls::refresh), 1_000); // the application's certificate, once it has deployed
    }

    /**
     * A task for the certificate timer that never lets anything escape: one uncaught throwable
     * (an error from a message endpoint while the application stops) would cancel the timer, and
     * no renewed certificate would ever be taken again.
     */
    private static java.util.TimerTask task(Runnable work) {
        return new java.util.TimerTask() {
            @Override
            public void run() {
                try {
                    work.run();
                } catch (Throwable e) { // every throwable: see above
                    LOG.log(java.util.logging.Level.WARNING, "looking for a renewed TLS certificate failed", e);
                }
            }
        };
    }

    /** Takes up renewed certificates: a changed PEM file, or what the application now holds. */
    private void refreshCertificates() {
        for (Activation activation : listeners.values()) {
            activation.tls().refresh();
        }
    }

    /** One activation's listeners, the endpoint they call, and their TLS. */
    private record Activation(List<SmtpListener> listeners, EndpointListener endpoint, ServerTls tls) {
        void stop() {
            listeners.forEach(SmtpListener::stop);
            endpoint.close();
        }
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec activationSpec) {
        Activation activation = listeners.remove(new ActivationKey(factory, activationSpec));
        if (activation != null) {
            activation.stop();
        }
    }

    /** The counters of {@code kind}'s listener, created when it first starts. */
    ListenerStatistics statisticsOf(ListenerKind kind) {
        return statistics.computeIfAbsent(kind, k -> new ListenerStatistics());
    }

    /** Each listener's figures by its name, for those that have run since the adapter started. */
    Map<String, ListenerCounts> counts() {
        Map<String, ListenerCounts> counts = new LinkedHashMap<>();
        synchronized (statistics) {
            statistics.forEach((kind, figures) -> counts.put(kind.label(), figures.counts()));
        }
        return counts;
    }

    /** Whether at least one listener socket is bound. */
    boolean isListening() {
        synchronized (statistics) {
            return statistics.values().stream().anyMatch(ListenerStatistics::isListening);
        }
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
