package org.mailforge.smtp.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class ConcurrentSessionsTest {

    @Test
    void anAddressHoldsAtMostItsLimitAndAClosedSlotComesBackOnce() throws Exception {
        ConcurrentSessions sessions = new ConcurrentSessions(2, List.of());
        InetAddress client = InetAddress.getByName("192.0.2.1");
        Slots.Slot first = sessions.tryOpen(client);
        Slots.Slot second = sessions.tryOpen(client);
        assertNotNull(first);
        assertNotNull(second);
        assertNull(sessions.tryOpen(client), "a third session from the same address");
        assertNotNull(sessions.tryOpen(InetAddress.getByName("192.0.2.2")), "another address is not affected");
        first.close();
        first.close(); // closing twice gives back one slot, not two
        assertNotNull(sessions.tryOpen(client));
        assertNull(sessions.tryOpen(client));
    }

    @Test
    void ipv6ClientsCountPerSlash64() throws Exception {
        ConcurrentSessions sessions = new ConcurrentSessions(1, List.of());
        assertNotNull(sessions.tryOpen(InetAddress.getByName("2001:db8:1:2::1")));
        assertNull(sessions.tryOpen(InetAddress.getByName("2001:db8:1:2:ffff::9")), "same /64");
        assertNotNull(sessions.tryOpen(InetAddress.getByName("2001:db8:1:3::1")), "another /64");
    }

    @Test
    void exemptNetworksAreNotCountedAndTheLastSlotFreesTheEntry() throws Exception {
        ConcurrentSessions sessions = new ConcurrentSessions(1, Cidr.parseList("127.0.0.1/32"));
        InetAddress local = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < 5; i++) {
            assertSame(Slots.UNCOUNTED, sessions.tryOpen(local));
        }
        Slots.Slot slot = sessions.tryOpen(InetAddress.getByName("127.0.0.2"));
        assertEquals(1, sessions.addresses());
        slot.close();
        assertEquals(0, sessions.addresses(), "memory is one entry per address with a session open");
    }

    @Test
    void slotsWithoutALimitCountNothing() {
        Slots<String> unlimited = new Slots<>(0);
        for (int i = 0; i < 100; i++) {
            assertSame(Slots.UNCOUNTED, unlimited.tryTake("tarpit.example"));
        }
        assertEquals(0, unlimited.keys());
    }
}
