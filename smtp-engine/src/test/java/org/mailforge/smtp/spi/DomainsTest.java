package org.mailforge.smtp.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** IDNA as UTS #46 non-transitional processing: one name per domain, and never another registrant's. */
class DomainsTest {

    @Test
    void sharpSAndFinalSigmaStayWhatTheyAre() {
        assertEquals("xn--strae-oqa.de", Domains.ascii("straße.de"), "IDNA2003 made this strasse.de, another registrant");
        assertEquals("xn--bcher-kva.example", Domains.ascii("BÜCHER.example"));
        assertEquals("straße.de", Domains.canonical("Straße.DE"));
    }

    @Test
    void fullwidthAndCompatibilityFormsAreTheNameTheyStandFor() {
        Set<String> local = Domains.localSet("mx.example.test", List.of("example.test"));
        assertTrue(Domains.isLocal(local, "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.test"), "fullwidth example.test");
        assertEquals("example.test", Domains.canonical("\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.test"));
        assertTrue(Domains.isLocal(local, "EXAMPLE.TEST"));
        assertFalse(Domains.isLocal(local, "example.test.evil"));
    }

    @Test
    void invalidNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Domains.ascii("xn--a.example"), "broken punycode");
        assertThrows(IllegalArgumentException.class, () -> Domains.ascii("a\u200d.example"), "a joiner out of context");
        assertFalse(Domains.isLocal(Domains.localSet("mx.example.test", List.of()), "xn--a.example"));
    }
}
