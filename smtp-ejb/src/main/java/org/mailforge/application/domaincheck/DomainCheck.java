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
     * @param check    mx, spf, dkim, dmarc, mta-sts, tls-rpt, ptr or certificate
     * @param found    what DNS (or the server) has now, or null; escaped and cut to one line here
     * @param publish  the record to publish (zone-file lines), or null when nothing needs publishing
     * @param subject  what of several the item is about (a DKIM selector, an outbound address), or null
     * @param answered false when DNS gave no answer, so the item could not be judged
     */
    public record Item(String check, Status status, String reason, String found, String publish, String subject, boolean answered) {

        public Item {
            found = found == null ? null : org.mailforge.application.common.LogText.escape(found);
        }

        public Item(String check, Status status, String reason, String found, String publish) {
            this(check, status, reason, found, publish, null, true);
        }

        /** Says which of several it is about. */
        Item about(String what) {
            return new Item(check, status, reason, found, publish, what, answered);
        }

        /** The check and its subject, e.g. {@code ptr:192.0.2.1}: what the daily check remembers. */
        public String key() {
            return subject == null ? check : check + ":" + subject;
        }
    }

    /** The checks that fail, by name. */
    public List<String> failing() {
        return items.stream().filter(item -> item.status() == Status.FAIL).map(Item::check).distinct().toList();
    }

    /** The items that fail, by {@link Item#key()}. */
    public List<String> failingKeys() {
        return items.stream().filter(item -> item.status() == Status.FAIL).map(Item::key).distinct().toList();
    }

    /** The checks DNS did not answer for (their earlier outcome stands). */
    public java.util.Set<String> unanswered() {
        return items.stream().filter(item -> !item.answered()).map(Item::check).collect(java.util.stream.Collectors.toSet());
    }
}
