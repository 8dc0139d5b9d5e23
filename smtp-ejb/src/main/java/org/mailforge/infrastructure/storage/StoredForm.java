package org.mailforge.infrastructure.storage;

import java.nio.charset.StandardCharsets;

import org.mailforge.smtp.spi.MessageContent;

/**
 * A message as every store keeps it: a {@code Return-Path} header with the envelope sender
 * (RFC 5321 4.4, added at final delivery), then the message exactly as received.
 */
final class StoredForm {

    private StoredForm() {
    }

    /** @param returnPath the envelope sender, empty for the null sender */
    static MessageContent of(String returnPath, MessageContent content) {
        return MessageContent.prefixed(("Return-Path: <" + returnPath + ">\r\n").getBytes(StandardCharsets.UTF_8), content);
    }
}
