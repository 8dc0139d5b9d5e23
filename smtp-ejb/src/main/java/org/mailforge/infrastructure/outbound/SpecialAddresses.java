package org.mailforge.infrastructure.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses no public MX host has (the IANA special-purpose registries, RFC 6890): loopback,
 * private, shared, link-local, documentation, benchmarking, multicast and reserved ranges. An MX
 * record pointing there would let a sender make this server probe its own network.
 */
final class SpecialAddresses {

    private SpecialAddresses() {
    }

    static boolean isSpecial(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isSpecialV4(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff);
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) {
                return true; // fc00::/7 unique local
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return true; // 2001:db8::/32 documentation
            }
            boolean mapped = true; // ::ffff:a.b.c.d and ::a.b.c.d carry an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
                int a = b[12] & 0xff;
                return isSpecialV4(a, b[13] & 0xff, b[14] & 0xff) || a == 127 || a == 10
                        || (a == 172 && ((b[13] & 0xff) & 0xf0) == 16) || (a == 192 && (b[13] & 0xff) == 168)
                        || (a == 169 && (b[13] & 0xff) == 254);
            }
            if (first == 0x20 && b[1] == 0x02) {
                return true; // 2002::/16 6to4: may wrap any IPv4 address
            }
            return first == 0 || first == 0x01 && b[1] == 0 && b[2] == 0 && b[3] == 0; // ::/8, 100::/64 discard
        }
        return false;
    }

    private static boolean isSpecialV4(int a, int b, int c) {
        return a == 0                                   // 0.0.0.0/8 "this network"
                || (a == 100 && (b & 0xc0) == 64)       // 100.64.0.0/10 shared (CGNAT)
                || (a == 192 && b == 0 && c == 0)       // 192.0.0.0/24 protocol assignments
                || (a == 192 && b == 0 && c == 2)       // 192.0.2.0/24 TEST-NET-1
                || (a == 198 && (b & 0xfe) == 18)       // 198.18.0.0/15 benchmarking
                || (a == 198 && b == 51 && c == 100)    // 198.51.100.0/24 TEST-NET-2
                || (a == 203 && b == 0 && c == 113)     // 203.0.113.0/24 TEST-NET-3
                || a >= 240;                            // 240.0.0.0/4 reserved, broadcast
    }
}
