package org.mailforge.smtp.spi;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which domains are local, decided the same way by the protocol engine (RCPT: relay or not) and
 * the application (store here or queue for delivery elsewhere).
 */
public final class Domains {

    private Domains() {
    }

    /** The lower-case ASCII (A-label) form of a domain: {@code bücher.example} is {@code xn--bcher-kva.example}. */
    public static String ascii(String domain) {
        return java.net.IDN.toASCII(domain, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }

    /** The configured local domains plus the host name and {@code localhost}, in A-label form. */
    public static Set<String> localSet(String hostname, Collection<String> configured) {
        return Stream.concat(configured.stream(), Stream.of(hostname, "localhost"))
                .map(String::trim)
                .filter(d -> !d.isEmpty())
                .map(Domains::ascii)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether {@code domain} is in {@code localSet}; U-labels and A-labels match alike. */
    public static boolean isLocal(Set<String> localSet, String domain) {
        try {
            return localSet.contains(ascii(domain));
        } catch (IllegalArgumentException e) {
            return false; // not a valid internationalised domain name
        }
    }

    /** Whether {@code name} is a syntactically valid domain (U-labels allowed), as ETRN and ATRN take. */
    public static boolean isValidName(String name) {
        try {
            return name.length() <= 253 && ascii(name).matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The domain of an address ({@code user@domain}), or empty. */
    public static String of(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }
}
