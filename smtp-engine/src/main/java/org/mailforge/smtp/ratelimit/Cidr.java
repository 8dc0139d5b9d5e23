package org.mailforge.smtp.ratelimit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare
 * address is a network of one.
 */
public record Cidr(byte[] network, int prefix) {

    /** Parses a comma-separated list; blank entries are skipped. */
    public static List<Cidr> parseList(String text) {
        List<Cidr> networks = new ArrayList<>();
        if (text != null) {
            for (String entry : text.split(",")) {
                if (!entry.isBlank()) {
                    networks.add(parse(entry.strip()));
                }
            }
        }
        return List.copyOf(networks);
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    /**
     * An IP address literal, never looked up: four decimal octets of at most 255, or an IPv6
     * literal (a string with a colon, which {@link InetAddress} parses and never resolves). A text
     * such as {@code 999.1.1.1} would otherwise go to the system resolver as a host name.
     *
     * @throws IllegalArgumentException when the text is not one
     */
    public static InetAddress address(String text) {
        String literal = text.strip();
        if (!IPV4.matcher(literal).matches() && !literal.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text, e);
        }
    }

    /** @throws IllegalArgumentException when the text is not an address literal with an optional prefix */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes;
        try {
            bytes = address(address).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP network: " + text, e);
        }
        int bits = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an IP network: " + text, e);
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix out of range: " + text);
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (candidate[whole] & mask) == (network[whole] & mask);
    }
}
