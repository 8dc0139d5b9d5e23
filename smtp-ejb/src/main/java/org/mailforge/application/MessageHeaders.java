package org.mailforge.application;

import java.io.IOException;
import java.io.InputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;

import org.mailforge.smtp.spi.InboundMessage;

/** What services need to know from a message's header block, read without loading the body. */
public final class MessageHeaders {

    private MessageHeaders() {
    }

    /** The decoded Subject, or null when there is none or it cannot be read. */
    public static String subject(InboundMessage message) {
        try (InputStream in = message.content().openStream()) {
            String subject = new InternetHeaders(in).getHeader("Subject", null);
            return subject == null ? null : MimeUtility.decodeText(MimeUtility.unfold(subject));
        } catch (IOException | MessagingException | RuntimeException e) {
            return null;
        }
    }
}
