package org.mailforge.smtp.spi;

import java.security.SecureRandom;

/** Ids of SMTP sessions and of the messages this server writes itself: twelve characters, unguessable, unique in practice. */
public final class SessionIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZ".toCharArray();

    private SessionIds() {
    }

    /** Twelve characters of the alphabet from one 64-bit draw (31^12 < 2^64): one call into the secure generator, not twelve. */
    public static String next() {
        long bits = RANDOM.nextLong();
        char[] chars = new char[12];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[(int) Long.remainderUnsigned(bits, ALPHABET.length)];
            bits = Long.divideUnsigned(bits, ALPHABET.length);
        }
        return new String(chars);
    }
}
