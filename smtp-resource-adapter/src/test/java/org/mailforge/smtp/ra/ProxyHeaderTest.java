package org.mailforge.smtp.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** HAProxy's PROXY protocol, versions 1 and 2, as a trusted load balancer sends it and as it must not be. */
class ProxyHeaderTest {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    @Test
    void versionOneNamesTheClientAndLeavesTheClientsOwnOctets() throws IOException {
        InputStream in = stream("PROXY TCP4 203.0.113.7 192.0.2.1 56324 25\r\nEHLO x\r\n");
        assertEquals(Optional.of(InetAddress.getByName("203.0.113.7")), ProxyHeader.read(in));
        assertEquals("EHLO x\r\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII), "not one octet more is read");

        assertEquals(Optional.of(InetAddress.getByName("2001:db8::7")),
                ProxyHeader.read(stream("PROXY TCP6 2001:db8::7 2001:db8::1 4000 587\r\n")));
        assertEquals(Optional.empty(), ProxyHeader.read(stream("PROXY UNKNOWN\r\n")));
        assertEquals(Optional.empty(), ProxyHeader.read(stream("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")));
    }

    @Test
    void malformedVersionOneHeadersAreRefused() {
        for (String header : new String[] {
                "EHLO client.example\r\n", // no header at all
                "PROXY TCP4 203.0.113.7 192.0.2.1 56324 25\n", // LF without CR
                "PROXY TCP4 203.0.113.256 192.0.2.1 56324 25\r\n", // not an address
                "PROXY TCP4 mail.example 192.0.2.1 56324 25\r\n", // a name: never looked up
                "PROXY TCP4 2001:db8::7 192.0.2.1 56324 25\r\n", // the wrong family
                "PROXY TCP6 203.0.113.7 2001:db8::1 56324 25\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.1 65536 25\r\n", // port out of range
                "PROXY TCP4 203.0.113.7 192.0.2.1 056324 25\r\n", // leading zero
                "PROXY TCP4  203.0.113.7 192.0.2.1 56324 25\r\n", // two spaces
                "PROXY UDP4 203.0.113.7 192.0.2.1 56324 25\r\n",
                "PROXY TCP4 203.0.113.7 192.0.2.1 56324 25 " + "x".repeat(80) + "\r\n", // over 107 octets
        }) {
            assertThrows(ProxyHeader.MalformedHeaderException.class, () -> ProxyHeader.read(stream(header)), header);
        }
        assertThrows(IOException.class, () -> ProxyHeader.read(stream("PROXY TCP4 203.0.113.7")), "truncated");
    }

    @Test
    void versionTwoNamesTheClientOverIpv4AndIpv6() throws IOException {
        byte[] v4 = v2(0x21, 0x11, 12, new byte[] {(byte) 203, 0, 113, 7, (byte) 192, 0, 2, 1, 0, 80, 0, 25});
        InputStream in = new ByteArrayInputStream(concat(v4, "EHLO x\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.of(InetAddress.getByName("203.0.113.7")), ProxyHeader.read(in));
        assertEquals("EHLO x\r\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));

        ByteBuffer six = ByteBuffer.allocate(36 + 7);
        six.put(InetAddress.getByName("2001:db8::7").getAddress()).put(InetAddress.getByName("2001:db8::1").getAddress());
        six.putShort((short) 4000).putShort((short) 587);
        six.put(new byte[] {0x04, 0, 4, 1, 2, 3, 4}); // a TLV after the addresses is skipped
        assertEquals(Optional.of(InetAddress.getByName("2001:db8::7")),
                ProxyHeader.read(new ByteArrayInputStream(v2(0x21, 0x21, six.capacity(), six.array()))));
    }

    @Test
    void versionTwoLocalAndUnsupportedFamiliesKeepTheConnectionsAddress() throws IOException {
        assertEquals(Optional.empty(), ProxyHeader.read(new ByteArrayInputStream(v2(0x20, 0x00, 0, new byte[0]))), "LOCAL");
        assertEquals(Optional.empty(), ProxyHeader.read(new ByteArrayInputStream(v2(0x21, 0x31, 216, new byte[216]))), "UNIX");
    }

    @Test
    void malformedVersionTwoHeadersAreRefused() {
        byte[] badSignature = v2(0x21, 0x11, 12, new byte[12]);
        badSignature[7] = 'X';
        byte[][] headers = {
                badSignature,
                v2(0x11, 0x11, 12, new byte[12]), // version 1 in a version 2 header
                v2(0x22, 0x11, 12, new byte[12]), // command 2
                v2(0x21, 0x11, 8, new byte[8]), // addresses cut short
                v2(0x21, 0x21, 20, new byte[20]),
                v2(0x21, 0x11, 65_535, new byte[0]), // a length we will not read
        };
        for (byte[] header : headers) {
            assertThrows(ProxyHeader.MalformedHeaderException.class, () -> ProxyHeader.read(new ByteArrayInputStream(header)));
        }
        byte[] truncated = v2(0x21, 0x11, 12, new byte[5]);
        assertThrows(IOException.class, () -> ProxyHeader.read(new ByteArrayInputStream(truncated)));
    }

    private static byte[] v2(int versionCommand, int family, int length, byte[] body) {
        ByteBuffer header = ByteBuffer.allocate(16 + body.length);
        header.put(SIGNATURE).put((byte) versionCommand).put((byte) family).putShort((short) length).put(body);
        return header.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
