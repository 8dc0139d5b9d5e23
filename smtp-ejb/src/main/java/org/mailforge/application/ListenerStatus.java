package org.mailforge.application;

/**
 * What the SMTP listener (the resource adapter) reports about its connections, read by health,
 * statistics and metrics through this interface; infrastructure supplies the adapter's figures.
 * Counts are since the listener started.
 */
public interface ListenerStatus {

    /** Whether the listener socket is open. */
    boolean isListening();

    /** Sessions open now. */
    long active();

    /** Connections accepted since start. */
    long total();

    /** Connections refused at connect since start (rate limit, per-address limit, connection limit). */
    long refused();

    /** Refused in the last minute. */
    long refusedLastMinute();

    /** Refused because their address had SMTP_MAX_CONNECTIONS_PER_IP sessions open. */
    long refusedPerAddress();

    /** Sessions cut off by the stress timeout. */
    long stressTimeouts();
}
