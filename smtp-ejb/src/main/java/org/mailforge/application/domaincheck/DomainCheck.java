package org.mailforge.application.domaincheck;

import java.time.Instant;
import java.util.List;

/**
 * What a local domain publishes against what mail to and from it needs: one item per record or
 * fact, each pass, warning or fail, with a one-line reason and, when something is missing or
 * wrong, the record to publish.
 */
public record DomainCheck(String domain, Instant checkedAt, List<String> outboundAddresses, List<Item> items) {

    public DomainCheck {
        outboundAddresses = List.copyOf(outboundAddresses);
        items = List.copyOf(items);
    }

    public enum Status {
        PASS, WARNING, FAIL
    }

    /**
     * @param check   mx, spf, dkim, dmarc, mta-sts, tls-rpt, ptr or certificate
     * @param found   what DNS (or the server) has now, or null
     * @param publish the record to publish (zone-file line), or null when nothing needs publishing
     */
    public record Item(String check, Status status, String reason, String found, String publish) {
    }

    /** The checks that fail, by name. */
    public List<String> failing() {
        return items.stream().filter(item -> item.status() == Status.FAIL).map(Item::check).distinct().toList();
    }
}
