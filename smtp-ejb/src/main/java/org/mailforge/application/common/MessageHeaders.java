package org.mailforge.application.common;

import java.io.IOException;
import java.io.InputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;

import org.mailforge.smtp.spi.InboundMessage;

/**
 * What services need to know from a message's header block, read without loading the body. A
 * sender controls the header block, so at most {@link #MAX_HEADER_OCTETS} of it are read: a
 * Subject further down is not looked for.
 */
public final class MessageHeaders {

    /** The most of a header block parsed for the subject and webhooks. */
    static final int MAX_HEADER_OCTETS = 64 * 1024;
    /** What {@link #block} reads into first; it doubles while the block goes on. */
    private static final int FIRST_READ = 8 * 1024;
    private static final java.util.Set<String> AUTHOR_FIELDS = java.util.Set.of("from", "sender");
    /** A subject longer than this is cut (the queue and webhooks carry it). */
    static final int MAX_SUBJECT_CHARS = 998;

    private MessageHeaders() {
    }

    /** The decoded Subject, or null when there is none or it cannot be read. */
    public static String subject(InboundMessage message) {
        try (InputStream in = message.content().openStream()) {
            return subject(in);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The domain of the message's From: header, lower case and in A-label form, when it names
     * exactly one address (what DKIM signing goes by); empty otherwise.
     */
    public static java.util.Optional<String> fromDomain(org.mailforge.smtp.spi.MessageContent content) {
        return authors(content).singleFromDomain();
    }

    /**
     * The Message-ID and the decoded Subject of a message, each at most 255 characters and null when
     * absent, found by the header block's own scan (no Jakarta Mail parse: this is asked of every message).
     */
    public static Identity identity(org.mailforge.smtp.spi.MessageContent content) {
        java.util.Map<String, java.util.List<String>> fields = block(content).values(IDENTITY_FIELDS);
        String id = first(fields.get("message-id"));
        String subject = first(fields.get("subject"));
        if (subject != null && subject.contains("=?")) {
            try {
                subject = MimeUtility.decodeText(subject);
            } catch (java.io.UnsupportedEncodingException | RuntimeException e) {
                // shown as it came
            }
        }
        return new Identity(cut(id), cut(subject));
    }

    private static final java.util.Set<String> IDENTITY_FIELDS = java.util.Set.of("message-id", "subject");

    /** A message's Message-ID and Subject, as the trace shows them. */
    public record Identity(String messageId, String subject) {
    }

    private static String first(java.util.List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0).strip();
    }

    private static String cut(String text) {
        return text == null || text.length() <= 255 ? text : text.substring(0, 255);
    }

    /** The header block (its first {@link #MAX_HEADER_OCTETS}); empty when it cannot be read. */
    public static InternetHeaders read(org.mailforge.smtp.spi.MessageContent content) {
        return block(content).headers();
    }

    /**
     * A header block as read: its octets (raw UTF-8 allowed, RFC 6532), and whether the block
     * ended within {@link #MAX_HEADER_OCTETS} (when it did not, a field further down, a second
     * From: say, was not seen). Jakarta Mail's {@link #headers()} are parsed only when asked for:
     * they cost about 30 microseconds a message, more than the rest of its reception.
     */
    public static final class HeaderBlock {
        private final byte[] octets;
        private final int length;
        private final boolean complete;
        private InternetHeaders headers;

        HeaderBlock(byte[] octets, int length, boolean complete) {
            this.octets = octets;
            this.length = length;
            this.complete = complete;
        }

        public boolean complete() {
            return complete;
        }

        /** The block's fields as Jakarta Mail reads them (parsed on first use). */
        public InternetHeaders headers() {
            if (headers == null) {
                try {
                    headers = new InternetHeaders(new java.io.ByteArrayInputStream(octets, 0, length), true);
                } catch (MessagingException | RuntimeException e) {
                    headers = new InternetHeaders();
                }
            }
            return headers;
        }

        /** Whether the block has a field of this (lower-case) name. */
        public boolean has(String name) {
            return !values(java.util.Set.of(name)).isEmpty();
        }

        /**
         * The unfolded values of the fields with these (lower-case) names, in order, read as Jakarta
         * Mail and mime4j read names (white space and control octets around a name trimmed).
         */
        java.util.Map<String, java.util.List<String>> values(java.util.Set<String> names) {
            java.util.Map<String, java.util.List<String>> found = new java.util.HashMap<>();
            StringBuilder value = null;
            String current = null;
            int i = 0;
            while (i < length) {
                int end = i;
                while (end < length && octets[end] != '\n') {
                    end++;
                }
                int lineEnd = end > i && octets[end - 1] == '\r' ? end - 1 : end;
                if (lineEnd == i) {
                    break; // the empty line
                }
                if (octets[i] == ' ' || octets[i] == '\t') {
                    if (value != null) {
                        value.append(new String(octets, i, lineEnd - i, java.nio.charset.StandardCharsets.UTF_8));
                    }
                } else {
                    if (value != null) {
                        found.computeIfAbsent(current, n -> new java.util.ArrayList<>()).add(value.toString());
                        value = null;
                    }
                    int colon = i;
                    while (colon < lineEnd && octets[colon] != ':') {
                        colon++;
                    }
                    if (colon < lineEnd) {
                        String name = new String(octets, i, colon - i, java.nio.charset.StandardCharsets.ISO_8859_1).trim()
                                .toLowerCase(java.util.Locale.ROOT);
                        if (names.contains(name)) {
                            current = name;
                            value = new StringBuilder(new String(octets, colon + 1, lineEnd - colon - 1,
                                    java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                }
                i = end + 1;
            }
            if (value != null) {
                found.computeIfAbsent(current, n -> new java.util.ArrayList<>()).add(value.toString());
            }
            return found;
        }
    }

    /**
     * The header block of a message, at most {@link #MAX_HEADER_OCTETS} of it, read in chunks into
     * a buffer that grows as the block does: a header block is a few KB, and a buffer the size of
     * the limit (or of the message) for every read made large messages cost the sender checks a
     * 64 KB allocation per read (#38: with the checks on, 100 KB messages cost 18 % more CPU).
     */
    public static HeaderBlock block(org.mailforge.smtp.spi.MessageContent content) {
        try (InputStream in = content.openStream()) {
            int limit = (int) Math.min(MAX_HEADER_OCTETS, Math.max(0, content.size()));
            byte[] octets = new byte[Math.min(limit, FIRST_READ)];
            int length = 0;
            int scanned = 0;
            while (length < limit) {
                if (length == octets.length) {
                    octets = java.util.Arrays.copyOf(octets, Math.min(limit, octets.length * 2));
                }
                int n = in.read(octets, length, Math.min(4096, octets.length - length));
                if (n < 0) {
                    return new HeaderBlock(octets, length, true); // the message ended: its block is whole
                }
                length += n;
                for (; scanned < length; scanned++) {
                    if (octets[scanned] == '\n' && (scanned >= 1 && octets[scanned - 1] == '\n'
                            || scanned >= 2 && octets[scanned - 1] == '\r' && octets[scanned - 2] == '\n')) {
                        return new HeaderBlock(octets, scanned + 1, true); // the empty line
                    }
                }
            }
            return new HeaderBlock(octets, length, length < MAX_HEADER_OCTETS || in.read() < 0);
        } catch (IOException | RuntimeException e) {
            return new HeaderBlock(new byte[0], 0, false);
        }
    }

    /**
     * Who a message says wrote it: every address of every {@code From:} field and of the
     * {@code Sender:} field, domains in A-label form (UTS #46, as the engine maps them).
     *
     * @param from     the From: addresses, in order
     * @param sender   the Sender: addresses
     * @param readable false when a From: or Sender: cannot be parsed, a domain is no valid name, or the header
     *                 block ran past what is read (a From: may hide beyond it)
     */
    public record Authors(java.util.List<String> from, java.util.List<String> sender, int fromFields, boolean readable,
                          boolean complete, java.util.List<String> fields) {

        private static final java.util.regex.Pattern AT_DOMAIN = java.util.regex.Pattern.compile("@\\s*([^\\s<>()\\[\\]\",;:@\\\\]+)");

        public Authors {
            from = java.util.List.copyOf(from);
            sender = java.util.List.copyOf(sender);
            fields = java.util.List.copyOf(fields);
        }

        /**
         * Every domain the From: and Sender: fields show after an {@code @}, read as text (lower
         * case, without a trailing dot), parsable or not: what a reader may see where the
         * addresses could not be read.
         */
        public java.util.Set<String> shownDomains() {
            java.util.Set<String> domains = new java.util.LinkedHashSet<>();
            for (String field : fields) {
                java.util.regex.Matcher m = AT_DOMAIN.matcher(field);
                while (m.find()) {
                    String domain = m.group(1).toLowerCase(java.util.Locale.ROOT);
                    while (domain.endsWith(".")) {
                        domain = domain.substring(0, domain.length() - 1);
                    }
                    try {
                        domains.add(org.mailforge.smtp.spi.Domains.ascii(domain));
                    } catch (IllegalArgumentException e) {
                        domains.add(domain);
                    }
                }
            }
            return domains;
        }

        /** Exactly one From: field with exactly one readable address: its domain. */
        public java.util.Optional<String> singleFromDomain() {
            return readable && fromFields == 1 && from.size() == 1
                    ? java.util.Optional.of(domainOf(from.get(0))) : java.util.Optional.empty();
        }

        /** Every address a reader may take as the author: the From: addresses and the Sender:. */
        public java.util.List<String> all() {
            java.util.List<String> all = new java.util.ArrayList<>(from);
            all.addAll(sender);
            return all;
        }

        /** The domain of an address of this record (already in A-label form). */
        public static String domainOf(String address) {
            return address.substring(address.lastIndexOf('@') + 1);
        }
    }

    /** {@link #authors(HeaderBlock)} of a message. */
    public static Authors authors(org.mailforge.smtp.spi.MessageContent content) {
        return authors(block(content));
    }

    /** Who the header block says wrote the message. */
    public static Authors authors(HeaderBlock block) {
        java.util.List<String> from = new java.util.ArrayList<>();
        java.util.List<String> sender = new java.util.ArrayList<>();
        java.util.Map<String, java.util.List<String>> values = block.values(AUTHOR_FIELDS);
        String[] fromFields = values.containsKey("from") ? values.get("from").toArray(new String[0]) : null;
        String[] senderFields = values.containsKey("sender") ? values.get("sender").toArray(new String[0]) : null;
        boolean readable = block.complete()
                & addresses(fromFields, from) & addresses(senderFields, sender);
        java.util.List<String> fields = new java.util.ArrayList<>();
        for (String[] named : new String[][] {fromFields, senderFields}) {
            if (named != null) {
                for (String field : named) {
                    fields.add(MimeUtility.unfold(field));
                }
            }
        }
        return new Authors(from, sender, fromFields == null ? 0 : fromFields.length, readable, block.complete(), fields);
    }

    /** Adds the addresses of the fields to {@code out}, lower-case A-label domains; false when one cannot be read. */
    private static boolean addresses(String[] fields, java.util.List<String> out) {
        if (fields == null) {
            return true;
        }
        boolean readable = true;
        for (String field : fields) {
            try {
                for (jakarta.mail.internet.InternetAddress address : jakarta.mail.internet.InternetAddress.parseHeader(
                        MimeUtility.unfold(field), false)) {
                    String text = address.getAddress();
                    int at = text == null ? -1 : text.lastIndexOf('@');
                    if (address.isGroup() || at <= 0 || at == text.length() - 1) {
                        readable = false;
                        continue;
                    }
                    String domain = text.substring(at + 1);
                    if (domain.endsWith(".")) {
                        domain = domain.substring(0, domain.length() - 1); // the root: ours. is ours
                    }
                    out.add(text.substring(0, at) + "@" + org.mailforge.smtp.spi.Domains.ascii(domain));
                }
            } catch (MessagingException | RuntimeException e) {
                readable = false;
            }
        }
        return readable;
    }

    static String subject(InputStream content) {
        try {
            String subject = new InternetHeaders(new BoundedInputStream(content, MAX_HEADER_OCTETS)).getHeader("Subject", null);
            if (subject == null) {
                return null;
            }
            String decoded = MimeUtility.decodeText(MimeUtility.unfold(subject));
            return decoded.length() > MAX_SUBJECT_CHARS ? decoded.substring(0, MAX_SUBJECT_CHARS) : decoded;
        } catch (IOException | MessagingException | RuntimeException e) {
            return null;
        }
    }
}
