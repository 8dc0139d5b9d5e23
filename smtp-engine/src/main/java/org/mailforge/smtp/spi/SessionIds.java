package org.mailforge.smtp.spi;

import java.security.SecureRandom;

/**
 * Ids of SMTP sessions and of the messages this server writes itself: eighteen characters of an
 * alphabet without vowels (no words by chance), the first nine the millisecond they were made in,
 * the other nine random (44 bits). Ids made later sort after earlier ones, so the message trace,
 * whose keys they are, adds each message at the end of its indexes instead of on a random page of
 * each ({@code bench/results/ab-trace-ids-20261207.md}: 40 against 71 us of CPU a message at
 * 300,000 traces). Unique in practice (ids of one millisecond differ in 31^9 ways), not guessable
 * in practice; they name, they do not authorize.
 */
public final class SessionIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZ".toCharArray(); // ascending: ids sort by time
    private static final int TIME = 9; // 31^9 ms: until the year 2800
    private static final int LENGTH = 18;

    private SessionIds() {
    }

    /** A new id: the clock's millisecond, then nine characters from one 64-bit draw of the secure generator. */
    public static String next() {
        return of(System.currentTimeMillis(), RANDOM.nextLong());
    }

    static String of(long millis, long bits) {
        char[] chars = new char[LENGTH];
        for (int i = TIME - 1; i >= 0; i--) {
            chars[i] = ALPHABET[(int) (millis % ALPHABET.length)];
            millis /= ALPHABET.length;
        }
        for (int i = TIME; i < LENGTH; i++) {
            chars[i] = ALPHABET[(int) Long.remainderUnsigned(bits, ALPHABET.length)];
            bits = Long.divideUnsigned(bits, ALPHABET.length);
        }
        return new String(chars);
    }
}
