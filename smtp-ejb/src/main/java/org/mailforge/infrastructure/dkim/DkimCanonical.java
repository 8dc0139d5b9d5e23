package org.mailforge.infrastructure.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.jdkim.canon.DigestOutputStream;
import org.apache.james.jdkim.canon.LimitedOutputStream;
import org.apache.james.jdkim.canon.RelaxedBodyCanonicalizer;
import org.apache.james.jdkim.canon.SimpleBodyCanonicalizer;
import org.mailforge.smtp.spi.MessageContent;

/**
 * A message as DKIM signatures (RFC 6376) and ARC sets (RFC 8617) see it, read once and never held
 * whole: what {@link JdkimSigning}, {@link DkimVerifier} and {@link JdkimArcSealing} share.
 *
 * <p>{@link #open} the content, {@link #readHeader} (at most {@link #MAX_HEADER_OCTETS}, the only
 * part held), then {@link BodyHashes#hash} the rest: the body streams through jDKIM's body
 * canonicalisers, the {@code l=} limit and SHA-256, once for every hash wanted. Header fields are
 * canonicalised here (RFC 6376 3.4.1 and 3.4.2) octet for octet, one char per octet (ISO-8859-1 in
 * and out), where jDKIM encodes them with the platform's charset, which changes 8-bit (RFC 6532)
 * header fields on some platforms.
 *
 * <p>The message is read as it goes on the wire: a bare CR or LF as CRLF, as the SMTP client sends
 * it (and as mime4j, which jDKIM's {@code Message} parsed with, and dkimpy read it).
 */
final class DkimCanonical {

    /** The most of a header block read (50 ARC sets sealed with RSA-4096 keys take about 100 KB). */
    static final int MAX_HEADER_OCTETS = 256 * 1024;

    private static final String FWS = "[ \t\r\n]*";
    /** The value of {@code b=}, which a signature's own header field is hashed without (RFC 6376 3.7). */
    private static final Pattern B_VALUE = Pattern.compile("((?:^|;)" + FWS + "b" + FWS + "=)[^;]*");
    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,18}");

    private DkimCanonical() {
    }

    /** A fresh stream over the message, bare CRs and LFs read as CRLF. The caller closes it. */
    static InputStream open(MessageContent content) throws IOException {
        return new CrlfInput(content.openStream());
    }

    /**
     * The header fields up to the empty line that ends them, leaving the stream at the body.
     *
     * @throws HeaderTooLargeException over {@link #MAX_HEADER_OCTETS}
     */
    static List<Field> readHeader(InputStream in) throws IOException {
        List<Field> fields = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        StringBuilder field = null;
        int read = 0;
        for (int b = in.read(); ; b = in.read()) {
            if (b >= 0 && ++read > MAX_HEADER_OCTETS) {
                throw new HeaderTooLargeException();
            }
            if (b >= 0 && b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                break; // the empty line before the body, or the end of a message without one
            }
            if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
                if (field != null) {
                    field.append("\r\n").append(text);
                }
            } else {
                add(fields, field);
                field = new StringBuilder(text);
            }
            if (b < 0) {
                break;
            }
        }
        add(fields, field);
        return fields;
    }

    private static void add(List<Field> fields, StringBuilder field) {
        if (field != null && field.indexOf(":") > 0) {
            fields.add(Field.of(field.toString())); // a line without a colon is no header field that could be signed
        }
    }

    /**
     * An {@code h=} list: each name as often as the header block has fields of it, and once more
     * (RFC 6376 8.15), so that none can be added.
     */
    static List<String> oversigned(List<Field> header, List<String> names) {
        Map<String, Integer> counts = new HashMap<>();
        for (Field field : header) {
            counts.merge(field.name(), 1, Integer::sum);
        }
        List<String> listed = new ArrayList<>();
        for (String name : names) {
            for (int i = counts.getOrDefault(name, 0); i >= 0; i--) {
                listed.add(name);
            }
        }
        return listed;
    }

    /**
     * The header fields a signature's {@code h=} names, each occurrence of a name taking the next
     * field of that name from the bottom up; a name with no field left takes none (RFC 6376 5.4.2).
     */
    static List<Field> select(List<Field> header, List<String> names) {
        Map<String, List<Field>> byName = new HashMap<>();
        for (Field field : header) {
            byName.computeIfAbsent(field.name(), name -> new ArrayList<>()).add(field);
        }
        Map<String, Integer> taken = new HashMap<>();
        List<Field> selected = new ArrayList<>();
        for (String name : names) {
            String lower = name.toLowerCase(Locale.ROOT);
            List<Field> named = byName.getOrDefault(lower, List.of());
            int next = taken.merge(lower, 1, Integer::sum);
            if (next <= named.size()) {
                selected.add(named.get(named.size() - next));
            }
        }
        return selected;
    }

    /**
     * The header data a signature signs (RFC 6376 3.7): the selected fields, each canonical and
     * ending in CRLF, then the signature's own field, its {@code b=} value empty, without CRLF.
     */
    static byte[] signedHeader(List<Field> selected, Field own, boolean relaxed) {
        StringBuilder data = new StringBuilder();
        for (Field field : selected) {
            data.append(field.canonical(relaxed)).append("\r\n");
        }
        data.append(own.withoutSignature().canonical(relaxed));
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The header block is larger than {@link #MAX_HEADER_OCTETS}: the message is not read on. */
    static final class HeaderTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        HeaderTooLargeException() {
            super("the header block is over " + MAX_HEADER_OCTETS + " octets");
        }
    }

    /**
     * One header field as it stands: {@code Name: value}, folds kept, no final CRLF; one char per
     * octet (ISO-8859-1).
     *
     * @param name lower case, without the space before the colon
     */
    record Field(String name, String text) {

        static Field of(String text) {
            return new Field(text.substring(0, text.indexOf(':')).strip().toLowerCase(Locale.ROOT), text);
        }

        String value() {
            return text.substring(text.indexOf(':') + 1);
        }

        /** RFC 6376 3.4.1 "simple" (the field as it is) or 3.4.2 "relaxed". */
        String canonical(boolean relaxed) {
            return relaxed ? relaxed() : text;
        }

        /** RFC 6376 3.4.2 "relaxed": name in lower case, unfolded, runs of spaces and tabs one space, none at either end. */
        String relaxed() {
            String value = value().replace("\r\n", "").replaceAll("[ \t]+", " ");
            int start = value.startsWith(" ") ? 1 : 0;
            int end = value.length() > start && value.endsWith(" ") ? value.length() - 1 : value.length();
            return name + ":" + value.substring(start, end);
        }

        /** The field as its own signature hashes it: without the value of {@code b=}. */
        Field withoutSignature() {
            Matcher b = B_VALUE.matcher(value());
            return b.find() ? new Field(name, text.substring(0, text.indexOf(':') + 1) + b.replaceFirst("$1")) : this;
        }
    }

    /**
     * A {@code c=} value (RFC 6376 3.5): header and body canonicalisation, the body's "simple" when
     * it names one only.
     */
    record Canonicalization(boolean relaxedHeader, boolean relaxedBody) {

        /** Null when {@code c} names an algorithm there is not (the names are case-sensitive, as in jDKIM and dkimpy). */
        static Canonicalization of(String c) {
            String[] parts = c.split("/", -1);
            if (parts.length > 2 || !isAlgorithm(parts[0]) || parts.length == 2 && !isAlgorithm(parts[1])) {
                return null;
            }
            return new Canonicalization(parts[0].equals("relaxed"), parts.length == 2 && parts[1].equals("relaxed"));
        }

        private static boolean isAlgorithm(String name) {
            return name.equals("relaxed") || name.equals("simple");
        }
    }

    /** The body hashes one pass over a body computes; hashes asked for twice are computed once. */
    static final class BodyHashes {
        private final List<BodyHash> hashes = new ArrayList<>();

        /** The hash of the whole body. */
        BodyHash add(boolean relaxed) {
            return add(relaxed, -1);
        }

        /**
         * The hash of the body as far as {@code l=} says.
         *
         * @param l the value of {@code l=}, null without one
         * @return null when it is not a number (of at most 18 digits)
         */
        BodyHash add(boolean relaxed, String l) {
            if (l == null) {
                return add(relaxed, -1);
            }
            return LENGTH.matcher(l).matches() ? add(relaxed, Long.parseLong(l)) : null;
        }

        private BodyHash add(boolean relaxed, long limit) {
            for (BodyHash hash : hashes) {
                if (hash.relaxed == relaxed && hash.limit == limit) {
                    return hash;
                }
            }
            BodyHash hash = new BodyHash(relaxed, limit);
            hashes.add(hash);
            return hash;
        }

        boolean isEmpty() {
            return hashes.isEmpty();
        }

        /** Reads the rest of the stream, the body, into every hash; their digests are ready then. */
        void hash(InputStream body) throws IOException {
            byte[] buffer = new byte[8192];
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                for (BodyHash hash : hashes) {
                    hash.input.write(buffer, 0, n);
                }
            }
            for (BodyHash hash : hashes) {
                hash.input.close(); // the canonicaliser writes what it held back (the last CRLF)
            }
        }
    }

    /** A body hash in progress: a jDKIM canonicaliser, then the l= limit if any, then SHA-256. */
    static final class BodyHash {
        private final boolean relaxed;
        /** The canonical octets hashed; -1 for all. */
        private final long limit;
        private final OutputStream input;
        private final DigestOutputStream digest;
        private byte[] value;

        private BodyHash(boolean relaxed, long limit) {
            this.relaxed = relaxed;
            this.limit = limit;
            try {
                digest = new DigestOutputStream(MessageDigest.getInstance("SHA-256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 unavailable", e);
            }
            OutputStream limited = limit < 0 ? digest : new LimitedOutputStream(digest, (int) Math.min(limit, Integer.MAX_VALUE));
            input = relaxed ? new RelaxedBodyCanonicalizer(limited) : new SimpleBodyCanonicalizer(limited);
        }

        /** The hash, once {@link BodyHashes#hash} has read the body. */
        byte[] digest() {
            if (value == null) {
                value = digest.getDigest();
            }
            return value.clone();
        }
    }

    /**
     * Reads a bare CR or LF as CRLF: the message as the SMTP client puts it on the wire
     * ({@code DotStuffing}), so signatures cover what is sent.
     */
    private static final class CrlfInput extends InputStream {
        private final InputStream source;
        private final byte[] raw = new byte[8192];
        /** Each octet read makes at most two, and a CR held back from the previous read one more. */
        private final byte[] converted = new byte[2 * raw.length + 1];
        private int position;
        private int limit;
        private boolean afterCr;
        private boolean ended;

        CrlfInput(InputStream source) {
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            return position < limit || fill() ? converted[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            if (position >= limit && !fill()) {
                return -1;
            }
            int n = Math.min(length, limit - position);
            System.arraycopy(converted, position, buffer, offset, n);
            position += n;
            return n;
        }

        private boolean fill() throws IOException {
            position = 0;
            limit = 0;
            while (limit == 0 && !ended) {
                int n = source.read(raw);
                if (n < 0) {
                    ended = true;
                    if (afterCr) {
                        converted[limit++] = '\n';
                        afterCr = false;
                    }
                }
                for (int i = 0; i < n; i++) {
                    byte b = raw[i];
                    if (afterCr) {
                        afterCr = false;
                        converted[limit++] = '\n';
                        if (b == '\n') {
                            continue;
                        }
                    }
                    if (b == '\r') {
                        converted[limit++] = '\r';
                        afterCr = true;
                    } else if (b == '\n') {
                        converted[limit++] = '\r';
                        converted[limit++] = '\n';
                    } else {
                        converted[limit++] = b;
                    }
                }
            }
            return limit > 0;
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
