package org.mailforge.application.certificates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** When an order is due, and which names it asks for (AcmeIT runs the orders themselves against Pebble). */
class CertificateRenewalTest {

    private static final Instant OBTAINED = Instant.parse("2026-12-01T00:00:00Z");
    private static final Instant EXPIRES = OBTAINED.plus(Duration.ofDays(90));

    private static CertificateStore.StoredCertificate stored(String... names) {
        return new CertificateStore.StoredCertificate("chain", "key", List.of(names), EXPIRES, OBTAINED);
    }

    @Test
    void aCertificateIsRenewedWhenAThirdOfItsLifetimeIsLeft() {
        assertEquals(OBTAINED.plus(Duration.ofDays(60)), CertificateRenewal.renewAfter(OBTAINED, EXPIRES));
        CertificateStore.StoredCertificate current = stored("mail.example.com");
        List<String> wanted = List.of("mail.example.com");
        assertNull(CertificateRenewal.dueReason(current, wanted, Instant.EPOCH, OBTAINED.plus(Duration.ofDays(59))));
        assertEquals("a third of its lifetime left (expires " + EXPIRES + ")",
                CertificateRenewal.dueReason(current, wanted, Instant.EPOCH, OBTAINED.plus(Duration.ofDays(60))));
    }

    @Test
    void noCertificateAMissingNameOrARequestMakesAnOrderDue() {
        Instant now = OBTAINED.plus(Duration.ofDays(1));
        assertEquals("no certificate yet", CertificateRenewal.dueReason(null, List.of("mail.example.com"), Instant.EPOCH, now));
        assertEquals("names to add: mta-sts.example.org", CertificateRenewal.dueReason(stored("mail.example.com"),
                List.of("mail.example.com", "mta-sts.example.org"), Instant.EPOCH, now));
        assertEquals("renewal asked for", CertificateRenewal.dueReason(stored("mail.example.com"), List.of("mail.example.com"),
                OBTAINED.plusSeconds(1), now));
        assertNull(CertificateRenewal.dueReason(stored("mail.example.com"), List.of("mail.example.com"), OBTAINED.minusSeconds(1), now),
                "a request older than the certificate was served by it");
    }

    @Test
    void anOrderCarriesThisNodesNamesFirstThenTheOtherNodesButNotThoseLeftOutAndAtMostAHundred() {
        assertEquals(List.of("b.example.com", "mta-sts.example.com", "a.example.com"),
                CertificateRenewal.clusterNames(List.of("b.example.com", "mta-sts.example.com"),
                        List.of("a.example.com", "mta-sts.example.com", "gone.example.com"), Set.of("gone.example.com")));
        List<String> many = java.util.stream.IntStream.range(0, 150).mapToObj(i -> "mta-sts.d" + i + ".example").toList();
        List<String> names = CertificateRenewal.clusterNames(List.of("mail.example.com"), many, Set.of());
        assertEquals(100, names.size());
        assertEquals("mail.example.com", names.get(0));
    }
}
