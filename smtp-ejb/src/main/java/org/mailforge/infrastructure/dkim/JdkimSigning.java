package org.mailforge.infrastructure.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.impl.Message;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.apache.james.mime4j.MimeException;
import org.mailforge.application.dkim.DkimSigning;
import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.smtp.spi.MessageContent;

/**
 * DKIM signatures with Apache James jDKIM: its parser, relaxed canonicalisation, body hash and
 * signature record. jDKIM signs with RSA only; Ed25519 (RFC 8463: the SHA-256 hash of the
 * canonical header data, signed with PureEdDSA) runs on the same canonical stream through
 * {@link Ed25519OverSha256}, with the JDK's own Ed25519.
 */
@ApplicationScoped
public class JdkimSigning extends DKIMCommon implements DkimSigning {

    /** Header fields are folded at this width where a tag ends (RFC 5322 2.1.1's 78). */
    private static final int FOLD_AT = 76;

    Clock clock = Clock.systemUTC();

    @Override
    public byte[] sign(MessageContent content, String domain, String selector, DkimAlgorithm algorithm, PrivateKey key)
            throws IOException, GeneralSecurityException {
        SignatureRecordImpl record = new SignatureRecordImpl("v=1; a=" + algorithm.tag() + "; c=relaxed/relaxed; d=" + domain
                + "; s=" + selector + "; t=" + clock.instant().getEpochSecond() + "; h=" + String.join(":", SIGNED_HEADERS)
                + "; bh=; b=;");
        try (InputStream in = content.openStream()) {
            Message message = new Message(in);
            try {
                BodyHasherImpl body = new BodyHasherImpl(record);
                DKIMCommon.streamCopy(message.getBodyInputStream(), body.getOutputStream());
                record.setBodyHash(body.getDigest());
                Signature signature = algorithm == DkimAlgorithm.ED25519_SHA256 ? new Ed25519OverSha256()
                        : Signature.getInstance("SHA256withRSA");
                signature.initSign(key);
                signatureCheck(message, record, record.getHeaders(), signature);
                record.setSignature(signature.sign());
            } finally {
                message.dispose();
            }
        } catch (MimeException | FailException e) {
            throw new IOException("the message cannot be signed: " + e.getMessage(), e);
        }
        return fold("DKIM-Signature:" + record).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Folds after the {@code ;} that ends a tag (relaxed canonicalisation, which the signature
     * uses for its own header too, reads the fold as the single space that was there).
     */
    static String fold(String field) {
        StringBuilder folded = new StringBuilder(field.length() + 32);
        int lineStart = 0;
        for (String part : field.split("(?<=;) ")) {
            if (folded.length() > 0) {
                if (folded.length() - lineStart + 1 + part.length() > FOLD_AT) {
                    folded.append("\r\n\t");
                    lineStart = folded.length() - 1;
                } else {
                    folded.append(' ');
                }
            }
            folded.append(part);
        }
        return folded.append("\r\n").toString();
    }
}
