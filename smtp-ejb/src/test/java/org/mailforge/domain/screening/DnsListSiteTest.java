package org.mailforge.domain.screening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class DnsListSiteTest {

    private static byte[] a(int... octets) {
        byte[] bytes = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            bytes[i] = (byte) octets[i];
        }
        return bytes;
    }

    @Test
    void aPlainZoneCountsEveryListingAnswerButTheListsErrorCodes() {
        DnsListSite site = DnsListSite.parse("zen.spamhaus.org");
        assertEquals("zen.spamhaus.org", site.zone());
        assertEquals(1, site.weight());
        assertNull(site.filter());
        assertTrue(site.counts(a(127, 0, 0, 2)));
        assertTrue(site.counts(a(127, 0, 0, 11)));
        assertFalse(site.counts(a(127, 255, 255, 254)), "Spamhaus's 'public resolver' error is not a listing");
        assertFalse(site.counts(a(10, 0, 0, 2)), "outside 127/8 is a broken or hijacked list");
        assertFalse(site.counts(a(127, 0, 0, 1)), "127.0.0.1 is never a listing (RFC 5782 5)");
    }

    @Test
    void weightsAndFiltersAsPostscreenWritesThem() {
        DnsListSite zen = DnsListSite.parse("zen.spamhaus.org*2");
        assertEquals(2, zen.weight());
        DnsListSite dnswl = DnsListSite.parse("list.dnswl.org=127.0.[0..255].[1..3]*-2");
        assertEquals(-2, dnswl.weight());
        assertTrue(dnswl.counts(a(127, 0, 15, 1)));
        assertTrue(dnswl.counts(a(127, 0, 255, 3)));
        assertFalse(dnswl.counts(a(127, 0, 15, 0)), "0 is dnswl's 'no trust'");
        assertFalse(dnswl.counts(a(127, 0, 0, 255)));
        DnsListSite set = DnsListSite.parse("bl.example=127.0.0.[2..4;11]");
        assertTrue(set.counts(a(127, 0, 0, 3)));
        assertTrue(set.counts(a(127, 0, 0, 11)));
        assertFalse(set.counts(a(127, 0, 0, 5)));
        assertFalse(set.counts(a(127, 0, 1, 3)));
    }

    @Test
    void badSitesAreRefusedWithTheReason() {
        for (String bad : new String[] {"nodot", "bl.example=127.0.0", "bl.example=127.0.0.[5..2]", "bl.example=127.0.0.256",
                "bl.example*0", "bl.example=127.0.0.[2..x]", "bl.example=127..0.2", "bl example", "bl.example=127.0.0.2.3",
                "bl..example", ".bl.example", "bl.example.", "-bl.example", "wl.example*-2", "bl.example=127.0.0[2]",
                "bl.example=127.0.0.2*"}) {
            assertThrows(IllegalArgumentException.class, () -> DnsListSite.parse(bad), bad);
        }
    }

    @Test
    void queryNamesAreReversedOctetsOrNibbles() throws Exception {
        DnsListSite site = DnsListSite.parse("bl.example");
        assertEquals("2.0.0.127.bl.example", site.queryName(InetAddress.getByName("127.0.0.2")));
        // RFC 5782 2.4's example
        assertEquals("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl.example",
                site.queryName(InetAddress.getByName("2001:db8:1:2:3:4:567:89ab")));
    }
}
