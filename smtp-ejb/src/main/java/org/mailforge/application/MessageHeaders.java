package org.mailforge.application;

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
