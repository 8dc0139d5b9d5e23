package org.mailforge.smtp.ratelimit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/** What one client is counted as: an IPv4 address, or the /64 of an IPv6 address (one site's block). */
record AddressKey(byte[] bytes) {

    static AddressKey of(InetAddress address) {
        byte[] bytes = address.getAddress();
        return new AddressKey(address instanceof Inet6Address ? Arrays.copyOf(bytes, 8) : bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressKey key && Arrays.equals(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return Arrays.toString(bytes);
    }
}
