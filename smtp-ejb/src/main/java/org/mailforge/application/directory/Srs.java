package org.mailforge.application.directory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Sender Rewriting Scheme (SRS0, as in Shevek's draft and libsrs2) for mail forwarded to
 * outside addresses: the envelope sender {@code local@origin} becomes
 * {@code SRS0=HHHH=TT=origin=local@our-domain}, so the receiver's SPF check sees our domain, and a
 * bounce to it is routed back to {@code local@origin} when its hash (HMAC-SHA256 under the
 * secret, {@value #HASH_CHARS} base32 characters: 40 bits, where libsrs2 has 24, so guessing one
 * for a chosen address takes 2^39 tries on average) and its day stamp (at most
 * {@link #MAX_AGE_DAYS} old) check out. The hash is compared in constant time.
 */
public final class Srs {

    static final int MAX_AGE_DAYS = 21;
    static final int HASH_CHARS = 8;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final int STAMP_MODULUS = 1024; // two base32 characters of days

    private final byte[] secret;
    private final String domain;
    private final Clock clock;

    public Srs(byte[] secret, String domain, Clock clock) {
        this.secret = secret.clone();
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.clock = clock;
    }

    /** The rewritten envelope sender; the null sender stays null (a bounce is never rewritten). */
    public String forward(String sender) {
        int at = sender.lastIndexOf('@');
        if (sender.isEmpty() || at <= 0) {
            return sender;
        }
        String local = sender.substring(0, at);
        String origin = sender.substring(at + 1).toLowerCase(Locale.ROOT);
        String stamp = stamp(today());
        return "SRS0=" + hash(stamp, origin, local) + "=" + stamp + "=" + origin + "=" + local + "@" + domain;
    }

    /** Whether an address looks like one of ours (SRS0 at our domain), valid or not. */
    public boolean isSrs(String address) {
        int at = address.lastIndexOf('@');
        return at > 5 && address.regionMatches(true, 0, "SRS0=", 0, 5) && address.substring(at + 1).equalsIgnoreCase(domain);
    }

    /** The original sender of a bounce to an address {@link #forward} made; empty when it is forged or expired. */
    public Optional<String> reverse(String address) {
        if (!isSrs(address)) {
            return Optional.empty();
        }
        String[] parts = address.substring(5, address.lastIndexOf('@')).split("=", 4);
        if (parts.length != 4 || parts[0].length() != HASH_CHARS || parts[1].length() != 2 || parts[2].isEmpty() || parts[3].isEmpty()) {
            return Optional.empty();
        }
        String expected = hash(parts[1].toUpperCase(Locale.ROOT), parts[2].toLowerCase(Locale.ROOT), parts[3]);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                parts[0].toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        int day = decode(parts[1]);
        if (day < 0 || Math.floorMod(stampDay(today()) - day, STAMP_MODULUS) > MAX_AGE_DAYS) {
            return Optional.empty();
        }
        return Optional.of(parts[3] + "@" + parts[2]);
    }

    private long today() {
        return clock.instant().getEpochSecond() / 86_400;
    }

    private static int stampDay(long day) {
        return (int) Math.floorMod(day, (long) STAMP_MODULUS);
    }

    private static String stamp(long day) {
        int value = stampDay(day);
        return "" + BASE32.charAt(value >> 5) + BASE32.charAt(value & 31);
    }

    private static int decode(String stamp) {
        int high = BASE32.indexOf(Character.toUpperCase(stamp.charAt(0)));
        int low = BASE32.indexOf(Character.toUpperCase(stamp.charAt(1)));
        return high < 0 || low < 0 ? -1 : (high << 5) | low;
    }

    /** The first 40 bits of HMAC-SHA256 over stamp, origin domain and local part (case-folded: bounces may change case), in base32. */
    private String hash(String stamp, String origin, String local) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            // separated: a domain has no '=', so "co" + "mvictim" and "com" + "victim" are no longer one input
            byte[] digest = mac.doFinal((stamp + "=" + origin + "=" + local).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder(HASH_CHARS);
            long bits = 0;
            for (int i = 0; i < 5; i++) {
                bits = bits << 8 | (digest[i] & 0xff);
            }
            for (int i = 0; i < HASH_CHARS; i++) {
                out.append(BASE32.charAt((int) (bits >> (35 - 5 * i)) & 31));
            }
            return out.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
