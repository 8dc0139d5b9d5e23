package org.mailforge.infrastructure;

import jakarta.enterprise.context.ApplicationScoped;

import org.mailforge.application.ListenerStatus;
import org.mailforge.smtp.ra.ListenerStatistics;

/**
 * The SMTP resource adapter's connection figures. The container creates the adapter, so its
 * statistics live in the adapter's one ListenerStatistics; this is the only class that reads it.
 */
@ApplicationScoped
public class AdapterListenerStatus implements ListenerStatus {

    private static ListenerStatistics adapter() {
        return ListenerStatistics.global();
    }

    @Override
    public boolean isListening() {
        return adapter().isListening();
    }

    @Override
    public long active() {
        return adapter().active();
    }

    @Override
    public long total() {
        return adapter().total();
    }

    @Override
    public long refused() {
        return adapter().rejected();
    }

    @Override
    public long refusedLastMinute() {
        return adapter().rejectedLastMinute();
    }

    @Override
    public long refusedPerAddress() {
        return adapter().refusedPerAddress();
    }

    @Override
    public long stressTimeouts() {
        return adapter().stressTimeouts();
    }
}
