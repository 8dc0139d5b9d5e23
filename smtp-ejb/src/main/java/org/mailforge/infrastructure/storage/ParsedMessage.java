package org.mailforge.infrastructure.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

/**
 * What the database keeps beside the raw message, read with Jakarta Mail: the addresses, subject
 * and date of the header, the header block as text, and the readable text for the full-text
 * index (text/plain parts, else text/html without its markup).
 *
 * <p>Everything here is the sender's to choose, so every derived column is bounded and free of
 * NUL (PostgreSQL's text refuses it), and HTML goes through jsoup, linear in its input, never
 * through regular expressions that backtrack.
 */
record ParsedMessage(String from, String to, String subject, Instant date, String headers, String text) {

    private static final Session SESSION = Session.getInstance(new Properties());
    /**
     * The full-text index gets this much text at most per message: well inside PostgreSQL's 1 MB
     * limit for a tsvector even when every word is distinct.
     */
    static final int MAX_TEXT = 128 * 1024;
    /** The header block as text, and each address list. */
    static final int MAX_HEADERS = 64 * 1024;
    static final int MAX_ADDRESSES = 8 * 1024;
    static final int MAX_SUBJECT = 998;
    /** HTML parsed for the index per part; the text taken from it is cut at MAX_TEXT anyway. */
    private static final int MAX_HTML = 4 * MAX_TEXT;

    static ParsedMessage of(byte[] raw) {
        try {
            MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            StringBuilder headers = new StringBuilder();
            for (Enumeration<Header> all = message.getAllHeaders(); all.hasMoreElements();) {
                Header header = all.nextElement();
                headers.append(header.getName()).append(": ").append(header.getValue()).append("\r\n");
            }
            StringBuilder text = new StringBuilder();
            collectText(message, text);
            return new ParsedMessage(bounded(addresses(message.getFrom()), MAX_ADDRESSES),
                    bounded(addresses(message.getAllRecipients()), MAX_ADDRESSES),
                    bounded(message.getSubject(), MAX_SUBJECT), message.getSentDate() == null ? null : message.getSentDate().toInstant(),
                    bounded(headers.toString(), MAX_HEADERS), bounded(text.toString(), MAX_TEXT));
        } catch (MessagingException | IOException | RuntimeException e) {
            // unparseable mail is still stored: the raw body is kept, only the derived columns stay empty
            String start = new String(raw, 0, Math.min(raw.length, MAX_TEXT), java.nio.charset.StandardCharsets.ISO_8859_1);
            return new ParsedMessage(null, null, null, null, null, bounded(start, MAX_TEXT));
        }
    }

    /** At most {@code max} characters (a surrogate pair is never split), without NUL. */
    static String bounded(String value, int max) {
        if (value == null) {
            return null;
        }
        String cut = value;
        if (cut.length() > max) {
            int end = Character.isHighSurrogate(cut.charAt(max - 1)) ? max - 1 : max;
            cut = cut.substring(0, end);
        }
        return cut.indexOf('\0') < 0 ? cut : cut.replace("\0", "");
    }

    private static String addresses(Address[] addresses) {
        if (addresses == null) {
            return null;
        }
        List<String> decoded = new ArrayList<>();
        for (Address address : addresses) {
            try {
                decoded.add(MimeUtility.decodeText(address.toString()));
            } catch (java.io.UnsupportedEncodingException e) {
                decoded.add(address.toString());
            }
        }
        return String.join(", ", decoded);
    }

    /** The readable text of an HTML document (scripts and styles dropped), by jsoup's parser. */
    static String htmlText(String html) {
        org.jsoup.nodes.Document document = org.jsoup.Jsoup.parse(html);
        document.select("script, style").remove();
        return document.text();
    }

    private static void collectText(Part part, StringBuilder text) throws MessagingException, IOException {
        if (text.length() > MAX_TEXT) {
            return;
        }
        if (part.isMimeType("text/plain")) {
            String plain = String.valueOf(part.getContent());
            text.append(plain, 0, Math.min(plain.length(), MAX_TEXT - text.length() + 1)).append('\n');
        } else if (part.isMimeType("multipart/alternative")) {
            Multipart alternatives = (Multipart) part.getContent();
            Part chosen = null;
            for (int i = 0; i < alternatives.getCount(); i++) {
                Part candidate = alternatives.getBodyPart(i);
                if (candidate.isMimeType("text/plain") || chosen == null) {
                    chosen = candidate;
                }
            }
            if (chosen != null) {
                collectText(chosen, text);
            }
        } else if (part.isMimeType("multipart/*")) {
            Multipart parts = (Multipart) part.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                collectText(parts.getBodyPart(i), text);
            }
        } else if (part.isMimeType("text/html")) {
            String html = String.valueOf(part.getContent());
            text.append(htmlText(html.length() > MAX_HTML ? html.substring(0, MAX_HTML) : html)).append('\n');
        } else if (part.isMimeType("message/rfc822")) {
            collectText((Part) part.getContent(), text);
        }
    }
}
