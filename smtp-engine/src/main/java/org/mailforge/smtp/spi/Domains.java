package org.mailforge.smtp.spi;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Domain names, canonicalised once in one place for the relay decision, the mailbox and the MX
 * lookup: IDNA as UTS #46 non-transitional processing (ICU4J), so {@code straße.de} stays
 * {@code xn--strae-oqa.de} (IDNA2003, as {@code java.net.IDN} does, maps it to another
 * registrant's {@code strasse.de}), and fullwidth or otherwise mapped forms become the name they
 * stand for. Which domains are local is decided here too, the same way for the protocol engine
 * (RCPT: relay or not) and the application (store here or queue for delivery elsewhere).
 */
public final class Domains {

    private static final com.ibm.icu.text.IDNA UTS46 = com.ibm.icu.text.IDNA.getUTS46Instance(
            com.ibm.icu.text.IDNA.NONTRANSITIONAL_TO_ASCII | com.ibm.icu.text.IDNA.NONTRANSITIONAL_TO_UNICODE
                    | com.ibm.icu.text.IDNA.CHECK_BIDI | com.ibm.icu.text.IDNA.CHECK_CONTEXTJ);

    private Domains() {
    }

    /**
     * The lower-case ASCII (A-label) form of a domain: {@code bücher.example} is
     * {@code xn--bcher-kva.example}.
     *
     * @throws IllegalArgumentException when it is no valid internationalised domain name
     */
    public static String ascii(String domain) {
        StringBuilder out = new StringBuilder(domain.length() + 8);
        com.ibm.icu.text.IDNA.Info info = new com.ibm.icu.text.IDNA.Info();
        UTS46.nameToASCII(domain, out, info);
        if (info.hasErrors()) {
            throw new IllegalArgumentException("not a valid domain name: " + info.getErrors());
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * The one spelling of a domain as mailboxes and logs use it: UTS #46 mapped (case folded,
     * fullwidth and compatibility forms replaced), in U-labels.
     *
     * @throws IllegalArgumentException when it is no valid internationalised domain name
     */
    public static String canonical(String domain) {
        StringBuilder out = new StringBuilder(domain.length());
        com.ibm.icu.text.IDNA.Info info = new com.ibm.icu.text.IDNA.Info();
        UTS46.nameToUnicode(domain, out, info);
        if (info.hasErrors()) {
            throw new IllegalArgumentException("not a valid domain name: " + info.getErrors());
        }
        return out.toString();
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
