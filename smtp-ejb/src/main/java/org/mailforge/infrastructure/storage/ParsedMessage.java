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
 */
record ParsedMessage(String from, String to, String subject, Instant date, String headers, String text) {

    private static final Session SESSION = Session.getInstance(new Properties());
    /** The full-text index gets this much text at most per message. */
    private static final int MAX_TEXT = 1 << 20;

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
            return new ParsedMessage(addresses(message.getFrom()), addresses(message.getAllRecipients()),
                    message.getSubject(), message.getSentDate() == null ? null : message.getSentDate().toInstant(),
                    headers.toString(), text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text.toString());
        } catch (MessagingException | IOException | RuntimeException e) {
            // unparseable mail is still stored: the raw body is kept, only the derived columns stay empty
            return new ParsedMessage(null, null, null, null, null, new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
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

    private static void collectText(Part part, StringBuilder text) throws MessagingException, IOException {
        if (text.length() > MAX_TEXT) {
            return;
        }
        if (part.isMimeType("text/plain")) {
            text.append(part.getContent()).append('\n');
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
            text.append(String.valueOf(part.getContent()).replaceAll("(?s)<(script|style)[^>]*>.*?</\\1>", " ")
                    .replaceAll("<[^>]+>", " ")).append('\n');
        } else if (part.isMimeType("message/rfc822")) {
            collectText((Part) part.getContent(), text);
        }
    }
}
