package org.mailforge.application.outbound.tlsreport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * One day's TLS report for one destination domain (RFC 8460 4): its JSON, and the message that
 * carries it gzipped (5.3). The report id is derived from the day, the domain and the submitter,
 * so a report is the same one however often it is composed.
 */
public final class TlsReport {

    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final LocalDate day;
    private final String domain;
    private final String from;
    private final String submitter;
    private final List<TlsReportStore.Count> counts;

    public TlsReport(LocalDate day, String domain, String from, String submitter, List<TlsReportStore.Count> counts) {
        this.day = day;
        this.domain = domain;
        this.from = from;
        this.submitter = submitter;
        this.counts = counts;
    }

    public String reportId() {
        return UUID.nameUUIDFromBytes((day + "/" + domain + "/" + submitter).getBytes(StandardCharsets.UTF_8)) + "@" + submitter;
    }

    private Instant start() {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private Instant end() {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
    }

    /** The report (RFC 8460 4.4): one policy object per policy the day's sessions were under. */
    public JsonObject json() {
        Map<String, List<TlsReportStore.Count>> byPolicy = new LinkedHashMap<>();
        for (TlsReportStore.Count count : counts) {
            byPolicy.computeIfAbsent(count.policyType() + "\n" + String.join("\n", count.policyStrings()) + "\n\n"
                    + String.join("\n", count.policyMx()), key -> new ArrayList<>()).add(count);
        }
        JsonArrayBuilder policies = Json.createArrayBuilder();
        for (List<TlsReportStore.Count> group : byPolicy.values()) {
            TlsReportStore.Count first = group.get(0);
            JsonObjectBuilder policy = Json.createObjectBuilder().add("policy-type", first.policyType());
            if (!first.policyStrings().isEmpty()) {
                policy.add("policy-string", Json.createArrayBuilder(first.policyStrings()));
            }
            policy.add("policy-domain", domain);
            if (!first.policyMx().isEmpty()) {
                policy.add("mx-host", Json.createArrayBuilder(first.policyMx()));
            }
            long successful = group.stream().filter(c -> c.resultType() == null).mapToLong(TlsReportStore.Count::sessions).sum();
            long failed = group.stream().filter(c -> c.resultType() != null).mapToLong(TlsReportStore.Count::sessions).sum();
            JsonObjectBuilder entry = Json.createObjectBuilder().add("policy", policy)
                    .add("summary", Json.createObjectBuilder().add("total-successful-session-count", successful)
                            .add("total-failure-session-count", failed));
            if (failed > 0) {
                JsonArrayBuilder details = Json.createArrayBuilder();
                for (TlsReportStore.Count count : group) {
                    if (count.resultType() == null) {
                        continue;
                    }
                    JsonObjectBuilder detail = Json.createObjectBuilder().add("result-type", count.resultType());
                    if (count.sendingIp() != null) {
                        detail.add("sending-mta-ip", count.sendingIp());
                    }
                    if (count.mxHost() != null) {
                        detail.add("receiving-mx-hostname", count.mxHost());
                    }
                    if (count.receivingIp() != null) {
                        detail.add("receiving-ip", count.receivingIp());
                    }
                    detail.add("failed-session-count", count.sessions());
                    if (count.detail() != null) {
                        detail.add("additional-information", count.detail());
                    }
                    details.add(detail);
                }
                entry.add("failure-details", details);
            }
            policies.add(entry);
        }
        return Json.createObjectBuilder()
                .add("organization-name", submitter)
                .add("date-range", Json.createObjectBuilder().add("start-datetime", start().toString()).add("end-datetime", end().toString()))
                .add("contact-info", from)
                .add("report-id", reportId())
                .add("policies", policies)
                .build();
    }

    /** The report's file name (RFC 8460 5.1): submitter, domain, the range's ends in epoch seconds, the id; gzipped JSON. */
    public String fileName() {
        return submitter + "!" + domain + "!" + start().getEpochSecond() + "!" + end().getEpochSecond() + "!"
                + reportId().substring(0, 36) + ".json.gz";
    }

    /** The message to one address of the domain's {@code rua} (RFC 8460 5.3). */
    public byte[] message(String to, Instant now) throws IOException {
        StringWriter json = new StringWriter();
        try (var writer = Json.createWriter(json)) {
            writer.writeObject(json());
        }
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(json.toString().getBytes(StandardCharsets.UTF_8));
        }
        String boundary = "=_mailforge_tlsrpt_" + UUID.randomUUID();
        StringBuilder m = new StringBuilder(4096);
        m.append("From: TLS reports <").append(from).append(">\r\n");
        m.append("To: <").append(to).append(">\r\n");
        m.append("Subject: Report Domain: ").append(domain).append(" Submitter: ").append(submitter)
                .append(" Report-ID: <").append(reportId()).append(">\r\n");
        m.append("Date: ").append(RFC_5322.format(now)).append("\r\n");
        m.append("Message-ID: <").append(reportId().substring(0, 36)).append('.').append(now.toEpochMilli()).append(".tlsrpt@")
                .append(submitter).append(">\r\n");
        m.append("TLS-Report-Domain: ").append(domain).append("\r\n");
        m.append("TLS-Report-Submitter: ").append(submitter).append("\r\n");
        m.append("Auto-Submitted: auto-generated\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=\"tlsrpt\";\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        m.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        m.append("This is an aggregate TLS report (RFC 8460) from ").append(submitter).append(" for ").append(domain)
                .append(",\r\ncovering ").append(day).append(" (UTC).\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: application/tlsrpt+gzip\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n");
        m.append("Content-Disposition: attachment;\r\n\tfilename=\"").append(fileName()).append("\"\r\n\r\n");
        m.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(gzipped.toByteArray())).append("\r\n\r\n");
        m.append("--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
