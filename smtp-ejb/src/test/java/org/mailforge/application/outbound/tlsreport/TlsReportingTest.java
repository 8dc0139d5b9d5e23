package org.mailforge.application.outbound.tlsreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

/** The TLS-RPT record (RFC 8460 3) as read here, and the report's JSON (4.4); the sending is OutboundTlsIT's. */
class TlsReportingTest {

    @Test
    void onlyOneReportingRecordCountsAndOnlyPlainMailtoAddressesAtMostTwo() {
        assertEquals(List.of("a@reports.example"), TlsReporting.rua(List.of("v=spf1 -all",
                "v=TLSRPTv1; rua=https://reports.example/tls,mailto:A@reports.example?subject=x")));
        assertEquals(List.of(), TlsReporting.rua(List.of("v=TLSRPTv1; rua=mailto:a@x.example", "v=TLSRPTv1; rua=mailto:b@x.example")),
                "two records: no reporting");
        assertEquals(List.of("a@x.example", "b@x.example"), TlsReporting.rua(List.of(
                "v=TLSRPTv1;rua=mailto:a@x.example,mailto:b@x.example,mailto:c@x.example")), "at most two addresses");
        assertEquals(List.of("a+tls@x.example"), TlsReporting.rua(List.of("v=TLSRPTv1; rua=mailto:a%2Btls@x.example")));
        assertEquals(List.of(), TlsReporting.rua(List.of("v=TLSRPTv1; rua=mailto:a@x.example%0d%0aBcc:%20victim@y.example")),
                "a line break is no address");
        assertEquals(List.of(), TlsReporting.rua(List.of("v=TLSRPTv1; rua=mailto:\"a b\"@x.example")));
        assertEquals(List.of(), TlsReporting.rua(List.of("v=TLSRPTv2; rua=mailto:a@x.example")));
    }

    @Test
    void theReportGroupsSessionsByPolicyWithTheirCountsAndFailures() {
        List<TlsReportStore.Count> counts = List.of(
                new TlsReportStore.Count("sts", List.of("version: STSv1", "mode: enforce", "mx: mx.example.net", "max_age: 86400"),
                        List.of("mx.example.net"), "mx.example.net", "192.0.2.1", "198.51.100.7", null, null, 41),
                new TlsReportStore.Count("sts", List.of("version: STSv1", "mode: enforce", "mx: mx.example.net", "max_age: 86400"),
                        List.of("mx.example.net"), "mx.example.net", "192.0.2.1", "198.51.100.7", "certificate-expired", "expired", 2),
                new TlsReportStore.Count("no-policy-found", List.of(), List.of(), "mx2.example.net", "192.0.2.1", "198.51.100.8",
                        "starttls-not-supported", null, 1));
        TlsReport report = new TlsReport(LocalDate.parse("2026-12-05"), "example.net", "tls-reports@example.com", "example.com", counts);
        JsonObject json = report.json();
        assertEquals("2026-12-05T00:00:00Z 2026-12-05T23:59:59Z", json.getJsonObject("date-range").getString("start-datetime") + " "
                + json.getJsonObject("date-range").getString("end-datetime"));
        assertEquals(2, json.getJsonArray("policies").size());
        JsonObject sts = json.getJsonArray("policies").getJsonObject(0);
        assertEquals("{\"total-successful-session-count\":41,\"total-failure-session-count\":2}", sts.getJsonObject("summary").toString());
        assertEquals("certificate-expired", sts.getJsonArray("failure-details").getJsonObject(0).getString("result-type"));
        assertTrue(report.fileName().matches("example\\.com!example\\.net!1796428800!1796515199![0-9a-f-]{36}\\.json\\.gz"), report.fileName());
        assertEquals(report.reportId(), new TlsReport(LocalDate.parse("2026-12-05"), "example.net", "x@example.com", "example.com",
                List.of()).reportId(), "the same report has the same id however often it is composed");
    }
}
