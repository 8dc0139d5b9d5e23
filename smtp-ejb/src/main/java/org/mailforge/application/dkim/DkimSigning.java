package org.mailforge.application.dkim;

import java.io.IOException;
import java.security.PrivateKey;

import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.smtp.spi.MessageContent;

/** Computes DKIM signatures (RFC 6376, RFC 8463); infrastructure implements it with a DKIM library. */
public interface DkimSigning {

    /**
     * The header fields signed, each name once; a signature lists each as often as the message has
     * it and once more (RFC 6376 8.15, "oversigning"), so no field of these names can be added or
     * put above the signed one unnoticed: a replayed message keeps its Subject, To, Date...
     */
    java.util.List<String> SIGNED_HEADERS = java.util.List.of("from", "to", "cc", "subject", "date", "message-id",
            "mime-version", "content-type", "content-transfer-encoding", "reply-to", "sender", "in-reply-to", "references");

    /**
     * The {@code DKIM-Signature:} header field for the message, relaxed/relaxed over
     * {@link #SIGNED_HEADERS}, folded and ending in CRLF, to be put above the message.
     *
     * @throws java.io.IOException the message cannot be read, or its header block is larger than the
     *                             signer reads (the message is then best sent unsigned)
     */
    byte[] sign(MessageContent content, String domain, String selector, DkimAlgorithm algorithm, PrivateKey key)
            throws IOException, java.security.GeneralSecurityException;
}
