package org.mailforge.smtp.spi;

/**
 * Characters no address, host name or logged client text may carry raw, even with SMTPUTF8: C0
 * and C1 controls, DEL, format characters (bidi overrides such as U+202E, zero-width joiners),
 * line and paragraph separators, unassigned and private-use code points. The listener refuses
 * them in commands; the application escapes them in log lines.
 */
public final class UnsafeCharacters {

    private UnsafeCharacters() {
    }

    public static boolean isForbidden(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE;
    }
}
