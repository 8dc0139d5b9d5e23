package org.mailforge.application.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.outbound.MtaStsPolicy;

/** The policy we publish for our own domains is one our own reader (and so RFC 8461's grammar) accepts. */
class MtaStsPublicationTest {

    private static MtaStsPublication publication(String mode) {
        ServerConfiguration configuration = ServerConfiguration.load(name -> Optional.ofNullable(Map.of("SMTP_LOCAL_DOMAINS", "example.test",
                "SMTP_HOSTNAME", "MX.example.test", "SMTP_MTA_STS_MODE", mode).get(name)));
        return new MtaStsPublication(configuration, new MailDirectory(new InMemoryDirectory(), InMemoryDirectory.users(), configuration));
    }

    @Test
    void localDomainsGetAPolicyNamingOurHostAndOthersNone() {
        MtaStsPublication publication = publication("testing");
        String text = publication.policyFor("MTA-STS.example.test:443").orElseThrow();
        MtaStsPolicy read = MtaStsPolicy.parse("example.test", "1", text, Instant.EPOCH);
        assertEquals(MtaStsPolicy.Mode.TESTING, read.getMode());
        assertEquals(java.util.List.of("mx.example.test"), read.mxPatterns());
        assertEquals(MtaStsPublication.MAX_AGE_SECONDS, read.getMaxAgeSeconds());
        assertEquals(Optional.empty(), publication.policyFor("mta-sts.example.org"));
        assertEquals(Optional.empty(), publication.policyFor("example.test"));
        assertEquals(Optional.empty(), publication.policyFor(null));
        assertNotEquals(publication.txtRecord(), publication("enforce").txtRecord(), "another policy, another id");
    }
}
