package org.mailforge.application.outbound.tlsreport;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The TLS outcomes of outbound connections, counted per day and destination domain for the
 * daily TLS reports (RFC 8460), and the reports sent: shared by every node.
 */
public interface TlsReportStore {

    /** One line of a day's counts: sessions alike (same policy, host, addresses and result). */
    record Count(String policyType, List<String> policyStrings, List<String> policyMx, String mxHost, String sendingIp,
                 String receivingIp, String resultType, String detail, long sessions) {
    }

    /**
     * Adds these sessions to the counts of their day (UTC) and domain; past {@code maxRows} rows of
     * a day and domain, a session is counted on one row without host, addresses or detail.
     */
    void record(LocalDate day, List<TlsSession> sessions, int maxRows);

    /** The destination domains with sessions that day, the most sessions first, at most {@code limit}. */
    List<String> domains(LocalDate day, int limit);

    /** The day's counts of a domain. */
    List<Count> counts(LocalDate day, String domain);

    /**
     * Takes the report of a domain for a day: true for the one node whose claim is first (the
     * report is then this node's to send), false when it was taken before.
     */
    boolean claim(LocalDate day, String domain, Instant now);

    /** Gives a claim back (DNS did not answer): a later run sends the report. */
    void release(LocalDate day, String domain);

    /**
     * Counts one more report to an address on a day: false, and nothing counted, when it had
     * {@code max} already.
     */
    boolean countReportTo(String address, LocalDate day, int max);

    /** What became of a claimed report: the addresses it went to, or why not. */
    void sent(LocalDate day, String domain, String outcome, int reports);

    /** Reports sent (messages) on reports whose claim was made at or after this instant: the daily cap counts these. */
    int sentSince(Instant since);

    /** Whether a report to this address came back refused for good before. */
    boolean bounced(String address);

    /** Remembers that a report to this address came back refused for good. */
    void bounced(String address, Instant when);

    /** Forgets counts and claims of days before this one. */
    int purge(LocalDate before);
}
