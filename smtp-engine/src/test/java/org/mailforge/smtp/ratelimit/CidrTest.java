package org.mailforge.smtp.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** Address literals and networks from settings: parsed, never looked up as host names. */
class CidrTest {

    @Test
    void literalsAreParsedAndAnythingElseIsRefusedWithoutAskingDns() throws Exception {
        assertEquals("192.0.2.1", Cidr.address("192.0.2.1").getHostAddress());
        assertEquals("2001:db8:0:0:0:0:0:25", Cidr.address("2001:db8::25").getHostAddress());
        // each of these would reach the system resolver as a host name through InetAddress.getByName
        for (String text : new String[] {"999.1.1.1", "256.0.0.1", "10.1", "mail.example.com", "localhost", "1.2.3.4.nip.io", ""}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.address(text), text);
        }
    }

    @Test
    void networksContainTheirAddresses() throws Exception {
        Cidr network = Cidr.parse("192.0.2.0/24");
        assertTrue(network.contains(InetAddress.getByName("192.0.2.77")));
        assertFalse(network.contains(InetAddress.getByName("192.0.3.1")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("300.0.2.0/24"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("192.0.2.0/33"));
    }
}
