package org.mailforge.domain.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Reading MTA-STS policies (RFC 8461 3.2) and matching MX hosts against them (4.1). */
class MtaStsPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void aPolicyIsReadAndItsPatternsMatchAsTheRfcSays() {
        MtaStsPolicy policy = MtaStsPolicy.parse("Example.com", "20261202", "version: STSv1\r\nmode: enforce\r\n"
                + "mx: mail.example.com\r\nmx: *.example.net\nmx: backupmx.example.com.\nmax_age: 604800\nextension: ignored\n", NOW);
        assertEquals("example.com", policy.getDomain());
        assertEquals(MtaStsPolicy.Mode.ENFORCE, policy.getMode());
        assertEquals(List.of("mail.example.com", "*.example.net", "backupmx.example.com."), policy.mxPatterns());
        assertTrue(policy.allows("mail.example.com"));
        assertTrue(policy.allows("MAIL.example.com."));
        assertTrue(policy.allows("mx1.example.net"));
        assertTrue(policy.allows("backupmx.example.com"));
        assertFalse(policy.allows("a.b.example.net"), "a wildcard stands for one label");
        assertFalse(policy.allows("example.net"));
        assertFalse(policy.allows("mail.example.com.evil.test"));
        assertFalse(policy.isExpired(NOW.plusSeconds(604_799)));
        assertTrue(policy.isExpired(NOW.plusSeconds(604_800)));
    }

    @Test
    void invalidPoliciesAreRefused() {
        for (String body : List.of(
                "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmax_age: 1\n",
                "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n",
                "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",
                "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
                "version: STSv1\nmode: enforce\nmx: a..example;rm\nmax_age: 1\n",
                "<html>not a policy</html>")) {
            assertThrows(IllegalArgumentException.class, () -> MtaStsPolicy.parse("example.com", "1", body, NOW), body);
        }
        assertEquals(MtaStsPolicy.Mode.NONE, MtaStsPolicy.parse("example.com", "1", "version: STSv1\nmode: none\nmax_age: 1\n", NOW).getMode());
    }
}
