package org.mailforge.interfaces.rest.domains;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.mailforge.application.domaincheck.DomainCheck;

/** {@code GET /api/domains/{domain}/check}: what the domain publishes against what this server needs. */
@JsonbPropertyOrder({"domain", "checkedAt", "status", "failing", "outboundAddresses", "items"})
public record DomainCheckView(
        String domain,
        @JsonbProperty("checked_at") Instant checkedAt,
        @Schema(description = "fail when any item fails, else warning when any warns, else pass") String status,
        @Schema(description = "The checks that fail") List<String> failing,
        @JsonbProperty("outbound_addresses") @Schema(description = "The addresses SPF and reverse DNS were judged for") List<String> outboundAddresses,
        List<ItemView> items) {

    /** One item. */
    @JsonbPropertyOrder({"check", "status", "reason", "found", "publish"})
    public record ItemView(
            @Schema(description = "mx, spf, dkim, dmarc, mta-sts, tls-rpt, ptr or certificate") String check,
            @Schema(description = "pass, warning or fail") String status,
            @Schema(description = "Why, in one line") String reason,
            @Schema(description = "What DNS has now") String found,
            @Schema(description = "The record to publish (zone-file line), when something is missing or wrong") String publish) {
    }

    static DomainCheckView of(DomainCheck check) {
        String status = check.items().stream().anyMatch(i -> i.status() == DomainCheck.Status.FAIL) ? "fail"
                : check.items().stream().anyMatch(i -> i.status() == DomainCheck.Status.WARNING) ? "warning" : "pass";
        return new DomainCheckView(check.domain(), check.checkedAt(), status, check.failing(), check.outboundAddresses(),
                check.items().stream().map(i -> new ItemView(i.check(), i.status().name().toLowerCase(Locale.ROOT), i.reason(), i.found(),
                        i.publish())).toList());
    }
}
