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

    /**
     * The domain of the message's From: header, lower case and in A-label form, when it names
     * exactly one address (what DKIM signing and DMARC go by); empty otherwise.
     */
    public static java.util.Optional<String> fromDomain(org.mailforge.smtp.spi.MessageContent content) {
        return fromDomain(read(content));
    }

    /** The header block (its first {@link #MAX_HEADER_OCTETS}); empty when it cannot be read. */
    public static InternetHeaders read(org.mailforge.smtp.spi.MessageContent content) {
        try (InputStream in = content.openStream()) {
            return new InternetHeaders(new BoundedInputStream(in, MAX_HEADER_OCTETS));
        } catch (IOException | MessagingException | RuntimeException e) {
            return new InternetHeaders();
        }
    }

    /** {@link #fromDomain(org.mailforge.smtp.spi.MessageContent)} of a header block already read. */
    public static java.util.Optional<String> fromDomain(InternetHeaders headers) {
        try {
            String[] from = headers.getHeader("From");
            if (from == null || from.length != 1) {
                return java.util.Optional.empty();
            }
            jakarta.mail.internet.InternetAddress[] addresses = jakarta.mail.internet.InternetAddress.parseHeader(
                    MimeUtility.unfold(from[0]), false);
            if (addresses.length != 1 || addresses[0].getAddress() == null || addresses[0].getAddress().lastIndexOf('@') < 0) {
                return java.util.Optional.empty();
            }
            String address = addresses[0].getAddress();
            String domain = address.substring(address.lastIndexOf('@') + 1);
            return java.util.Optional.of(java.net.IDN.toASCII(domain, java.net.IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT));
        } catch (MessagingException | RuntimeException e) {
            return java.util.Optional.empty();
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
