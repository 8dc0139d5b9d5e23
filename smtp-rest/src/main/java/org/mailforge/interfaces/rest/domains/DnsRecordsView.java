package org.mailforge.interfaces.rest.domains;

import java.util.List;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import org.mailforge.application.dkim.DkimKeyService.DnsRecord;

/** The records a local domain needs in DNS, one by one and as zone-file text. */
@JsonbPropertyOrder({"domain", "records", "zone"})
public record DnsRecordsView(String domain, List<Record> records, String zone) {

    @JsonbPropertyOrder({"name", "type", "value", "comment"})
    public record Record(String name, String type, String value, String comment) {
    }

    static DnsRecordsView of(String domain, List<DnsRecord> records) {
        return new DnsRecordsView(domain, records.stream().map(r -> new Record(r.name(), r.type(), r.value(), r.comment())).toList(),
                zone(records));
    }

    static String zone(List<DnsRecord> records) {
        StringBuilder zone = new StringBuilder();
        records.forEach(record -> zone.append(record.zoneLine()).append('\n'));
        return zone.toString();
    }
}
