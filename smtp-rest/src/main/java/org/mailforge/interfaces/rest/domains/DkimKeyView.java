package org.mailforge.interfaces.rest.domains;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.domain.dkim.DkimKey;

/** A DKIM key as the API shows it: the public half and where to publish it, never the private key. */
@JsonbPropertyOrder({"domain", "selector", "algorithm", "active", "createdAt", "publicKey", "dnsName", "dnsRecord"})
public record DkimKeyView(
        String domain,
        String selector,
        String algorithm,
        boolean active,
        @JsonbProperty("created_at") Instant createdAt,
        @JsonbProperty("public_key") String publicKey,
        @JsonbProperty("dns_name") String dnsName,
        @JsonbProperty("dns_record") String dnsRecord) {

    static DkimKeyView of(DkimKey key) {
        return new DkimKeyView(key.getDomain(), key.getSelector(), key.getAlgorithm().tag(), key.isActive(),
                key.getCreatedAt().truncatedTo(ChronoUnit.SECONDS), key.getPublicKey(), key.dnsName(), key.dnsRecord());
    }
}
