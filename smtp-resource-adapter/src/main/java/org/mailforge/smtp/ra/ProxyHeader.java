package org.mailforge.smtp.ra;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PROXY protocol header (HAProxy's specification, versions 1 and 2) that a load balancer
 * sends before the client's first octet, naming the client it forwards. Read octet by octet, so
 * nothing of the client's own data (the TLS handshake on the implicit-TLS port) is consumed.
 * Anything that is not exactly a valid header is refused: the specification forbids guessing.
 */
final class ProxyHeader {

    /** Version 2's signature: CR LF CR LF NUL CR LF "QUIT" LF. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** Version 1: at most 107 octets including CR LF. */
    private static final int V1_MAX_LENGTH = 107;
    /** Version 2's addresses and TLVs: HAProxy's own are a few hundred octets at most. */
    private static final int V2_MAX_LENGTH = 4096;
    private static final Pattern V1 = Pattern.compile(
            "PROXY (?:UNKNOWN(?: [ -~]*)?|(TCP4|TCP6) ([0-9A-Fa-f:.]+) ([0-9A-Fa-f:.]+) (0|[1-9][0-9]{0,4}) (0|[1-9][0-9]{0,4}))");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private ProxyHeader() {
    }

    /** The header was missing, truncated or invalid. */
    static final class MalformedHeaderException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedHeaderException(String message) {
            super(message);
        }
    }

    /**
     * Reads one header from {@code in}.
     *
     * @return the client's address; empty when the header carries none (v1 {@code UNKNOWN}, v2
     *         {@code LOCAL} such as the proxy's own health check, or a family other than TCP over
     *         IPv4/IPv6), in which case the connection's own address is the client
     * @throws MalformedHeaderException when the connection does not begin with a valid header
     * @throws IOException              when reading fails (a timeout, the peer left)
     */
    static Optional<InetAddress> read(InputStream in) throws IOException {
        int first = next(in);
        if (first == 'P') {
            return readV1(in);
        }
        if (first == V2_SIGNATURE[0]) {
            return readV2(in);
        }
        throw new MalformedHeaderException("no PROXY header");
    }

    private static Optional<InetAddress> readV1(InputStream in) throws IOException {
        byte[] line = new byte[V1_MAX_LENGTH];
        line[0] = 'P';
        int length = 1;
        while (true) {
            int b = next(in);
            if (b == '\n') {
                break;
            }
            if (length == V1_MAX_LENGTH - 1) {
                throw new MalformedHeaderException("version 1 header longer than 107 octets");
            }
            line[length++] = (byte) b;
        }
        if (line[length - 1] != '\r') {
            throw new MalformedHeaderException("version 1 header not ended by CR LF");
        }
        String text = new String(line, 0, length - 1, StandardCharsets.ISO_8859_1);
        Matcher m = V1.matcher(text);
        if (!m.matches()) {
            throw new MalformedHeaderException("invalid version 1 header");
        }
        if (m.group(1) == null) {
            return Optional.empty(); // UNKNOWN
        }
        boolean v4 = m.group(1).equals("TCP4");
        InetAddress source = literal(m.group(2), v4);
        literal(m.group(3), v4);
        if (Integer.parseInt(m.group(4)) > 65_535 || Integer.parseInt(m.group(5)) > 65_535) {
            throw new MalformedHeaderException("port out of range");
        }
        return Optional.of(source);
    }

    /** An address literal of the stated family; never a name (no DNS lookup on a header's word). */
    private static InetAddress literal(String text, boolean v4) throws MalformedHeaderException {
        boolean valid = v4 ? IPV4.matcher(text).matches() : text.indexOf(':') >= 0;
        if (valid) {
            try {
                InetAddress address = InetAddress.getByName(text);
                if (!v4 || address instanceof java.net.Inet4Address) { // v6 may be v4-mapped
                    return address;
                }
            } catch (UnknownHostException e) {
                // not an address: refused below
            }
        }
        throw new MalformedHeaderException("invalid " + (v4 ? "IPv4" : "IPv6") + " address");
    }

    private static Optional<InetAddress> readV2(InputStream in) throws IOException {
        byte[] fixed = readFully(in, 15); // the signature's other 11 octets, version/command, family, length
        if (!Arrays.equals(fixed, 0, 11, V2_SIGNATURE, 1, 12)) {
            throw new MalformedHeaderException("bad version 2 signature");
        }
        int versionCommand = fixed[11] & 0xff;
        int family = fixed[12] & 0xff;
        int length = ((fixed[13] & 0xff) << 8) | (fixed[14] & 0xff);
        if (versionCommand >> 4 != 2) {
            throw new MalformedHeaderException("unsupported version " + (versionCommand >> 4));
        }
        int command = versionCommand & 0x0f;
        if (command > 1) {
            throw new MalformedHeaderException("unsupported command " + command);
        }
        if (length > V2_MAX_LENGTH) {
            throw new MalformedHeaderException("version 2 header of " + length + " octets");
        }
        byte[] rest = readFully(in, length);
        if (command == 0) {
            return Optional.empty(); // LOCAL: the proxy speaking for itself
        }
        int addressLength = switch (family) {
            case 0x11 -> 4; // TCP over IPv4
            case 0x21 -> 16; // TCP over IPv6
            default -> 0; // UNSPEC, UDP, UNIX: the connection's own endpoints apply
        };
        if (addressLength == 0) {
            return Optional.empty();
        }
        if (length < 2 * addressLength + 4) {
            throw new MalformedHeaderException("version 2 addresses truncated");
        }
        return Optional.of(InetAddress.getByAddress(Arrays.copyOf(rest, addressLength)));
    }

    private static byte[] readFully(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new MalformedHeaderException("header truncated");
        }
        return bytes;
    }

    private static int next(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed inside the PROXY header");
        }
        return b;
    }
}
