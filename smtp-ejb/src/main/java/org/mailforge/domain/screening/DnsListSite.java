package org.mailforge.domain.screening;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One DNS list (RFC 5782) in SMTP_DNSBL_ZONES, written as Postfix's postscreen_dnsbl_sites:
 * {@code zone[=filter][*weight]}. The filter says which answers count, one pattern per octet of
 * an IPv4 address: a number, or a set in brackets of numbers and ranges ({@code [2..11;13]}); the
 * weight (default 1) is added to the client's score when the list names it, negative for an
 * allow-list ({@code list.dnswl.org=127.0.[0..255].[1..3]*-2}).
 *
 * <p>Without a filter every answer in 127.0.0.0/8 counts except 127.0.0.1 and 127.255.255.0/24,
 * which lists use for errors (Spamhaus answers 127.255.255.254 to queries through public
 * resolvers): an error is never a listing. An allow-list (negative weight) needs a filter, since
 * its error answers (dnswl's 127.0.0.255) would otherwise allow every client.
 */
public record DnsListSite(String zone, List<int[]> filter, int weight) {

    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern SITE = Pattern.compile(
            "(" + LABEL + "(?:\\." + LABEL + ")+)(?:=([0-9.\\[\\];]+))?(?:\\*(-?[0-9]{1,4}))?");
    private static final Pattern OCTET = Pattern.compile("[0-9]{1,3}|\\[[0-9.;]+\\]");
    private static final Pattern RANGE = Pattern.compile("([0-9]{1,3})(?:\\.\\.([0-9]{1,3}))?");

    public DnsListSite {
        zone = zone.toLowerCase(Locale.ROOT);
        filter = filter == null ? null : List.copyOf(filter);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static DnsListSite parse(String text) {
        Matcher site = SITE.matcher(text);
        // the longest query is 64 labels of an IPv6 address (128 octets) before the zone: 253 at most in all
        if (!site.matches() || site.group(1).length() > 125) {
            throw new IllegalArgumentException("'" + text + "' is not zone[=filter][*weight]");
        }
        int weight = site.group(3) == null ? 1 : Integer.parseInt(site.group(3));
        if (weight == 0) {
            throw new IllegalArgumentException("'" + text + "' has weight 0, which would count for nothing");
        }
        if (weight < 0 && site.group(2) == null) {
            // an allow-list's error answers (dnswl's 127.0.0.255 for a blocked resolver) must not allow anyone
            throw new IllegalArgumentException("'" + text + "' is an allow-list without a filter: name the answers that count,"
                    + " as list.dnswl.org=127.0.[0..255].[1..3]*-2");
        }
        return new DnsListSite(site.group(1), site.group(2) == null ? null : filter(text, site.group(2)), weight);
    }

    /** Four octet patterns, each the set of values it allows (a bit set of 256 as four longs would do; arrays read plainer). */
    private static List<int[]> filter(String text, String pattern) {
        List<int[]> octets = new ArrayList<>();
        Matcher octet = Pattern.compile("\\[[^\\]]*\\]|[^.\\[]+").matcher(pattern);
        int end = 0;
        while (octet.find()) {
            String part = octet.group();
            boolean separated = octets.isEmpty() ? octet.start() == 0 : octet.start() == end + 1 && pattern.charAt(end) == '.';
            if (!separated || !OCTET.matcher(part).matches()) {
                throw new IllegalArgumentException("'" + text + "': bad filter octet '" + part + "'");
            }
            end = octet.end();
            octets.add(values(text, part));
        }
        if (octets.size() != 4 || end != pattern.length()) {
            throw new IllegalArgumentException("'" + text + "': a filter is four octet patterns, as 127.0.0.[2..11]");
        }
        return octets;
    }

    private static int[] values(String text, String part) {
        String inner = part.startsWith("[") ? part.substring(1, part.length() - 1) : part;
        List<Integer> allowed = new ArrayList<>();
        for (String item : inner.split(";")) {
            Matcher range = RANGE.matcher(item);
            if (!range.matches()) {
                throw new IllegalArgumentException("'" + text + "': bad filter octet '" + part + "'");
            }
            int low = Integer.parseInt(range.group(1));
            int high = range.group(2) == null ? low : Integer.parseInt(range.group(2));
            if (low > 255 || high > 255 || low > high) {
                throw new IllegalArgumentException("'" + text + "': octet range out of 0..255 in '" + part + "'");
            }
            for (int value = low; value <= high; value++) {
                allowed.add(value);
            }
        }
        return allowed.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The name to ask for {@code client} (RFC 5782 2.1 and 2.4: reversed octets, or nibbles for IPv6). */
    public String queryName(InetAddress client) {
        return reversed(client) + zone;
    }

    /** The address reversed for a DNS list query, with a trailing dot. */
    public static String reversed(InetAddress client) {
        byte[] octets = client.getAddress();
        StringBuilder name = new StringBuilder(72);
        for (int i = octets.length - 1; i >= 0; i--) {
            int value = octets[i] & 0xff;
            if (client instanceof Inet4Address) {
                name.append(value).append('.');
            } else {
                name.append(Character.forDigit(value & 0xf, 16)).append('.')
                        .append(Character.forDigit(value >>> 4, 16)).append('.');
            }
        }
        return name.toString();
    }

    /** Whether an answer of this list ({@code 127.0.0.x}) counts as a listing. */
    public boolean counts(byte[] answer) {
        if (answer.length != 4 || (answer[0] & 0xff) != 127) {
            return false; // RFC 5782 2.3: answers are in 127.0.0.0/8; anything else is a broken or hijacked list
        }
        if (filter == null) {
            // 127.255.255.0/24: the lists' error answers; 127.0.0.1: never a listing (RFC 5782 5)
            return !((answer[1] & 0xff) == 255 && (answer[2] & 0xff) == 255)
                    && !((answer[1] | answer[2]) == 0 && answer[3] == 1);
        }
        for (int i = 0; i < 4; i++) {
            int value = answer[i] & 0xff;
            if (java.util.Arrays.stream(filter.get(i)).noneMatch(allowed -> allowed == value)) {
                return false;
            }
        }
        return true;
    }

    /** As it was written, for logs and replies. */
    @Override
    public String toString() {
        return zone + (weight == 1 ? "" : "*" + weight);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DnsListSite site && site.zone.equals(zone) && site.weight == weight
                && (filter == null ? site.filter == null : site.filter != null && java.util.stream.IntStream.range(0, 4)
                        .allMatch(i -> java.util.Arrays.equals(filter.get(i), site.filter.get(i))));
    }

    @Override
    public int hashCode() {
        return zone.hashCode() * 31 + weight;
    }
}
