package org.mailforge.application.dkim;

import java.io.IOException;
import java.security.PrivateKey;

import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.smtp.spi.MessageContent;

/** Computes DKIM signatures (RFC 6376, RFC 8463); infrastructure implements it with a DKIM library. */
public interface DkimSigning {

    /** The header names signed, in order; From twice, so no second From can be added unnoticed. */
    java.util.List<String> SIGNED_HEADERS = java.util.List.of("from", "from", "to", "cc", "subject", "date", "message-id",
            "mime-version", "content-type", "reply-to");

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
