package org.mailforge.application.screening;

import org.mailforge.domain.screening.DnsListSite;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/** Asks DNS lists about a client address (RFC 5782). */
public interface DnsListLookup {

    /**
     * The sites whose lists name {@code client} with an answer their filter counts, all asked in
     * parallel; a list that has not answered by the deadline counts as not naming it.
     */
    List<DnsListSite> listing(InetAddress client, List<DnsListSite> sites, Instant deadline);
}
