package org.mailforge.infrastructure.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.mailforge.application.dkim.DkimSigning;
import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.infrastructure.dkim.DkimCanonical.BodyHash;
import org.mailforge.infrastructure.dkim.DkimCanonical.BodyHashes;
import org.mailforge.infrastructure.dkim.DkimCanonical.Field;
import org.mailforge.smtp.spi.MessageContent;

/**
 * DKIM signatures, relaxed/relaxed, with Apache James jDKIM's signature record and body
 * canonicaliser ({@link DkimCanonical}: the header block is held, the body streams through the
 * hash). Ed25519 (RFC 8463: the SHA-256 hash of the canonical header data, signed with PureEdDSA)
 * runs through {@link Ed25519OverSha256}, with the JDK's own Ed25519.
 */
@ApplicationScoped
public class JdkimSigning implements DkimSigning {

    /** Header fields are folded at this width where a tag ends (RFC 5322 2.1.1's 78). */
    private static final int FOLD_AT = 76;

    Clock clock = Clock.systemUTC();

    /**
     * {@inheritDoc}
     *
     * @throws IOException also when the header block is larger than {@link DkimCanonical#MAX_HEADER_OCTETS}
     */
    @Override
    public byte[] sign(MessageContent content, String domain, String selector, DkimAlgorithm algorithm, PrivateKey key)
            throws IOException, GeneralSecurityException {
        List<Field> header;
        byte[] bodyHash;
        try (InputStream in = DkimCanonical.open(content)) {
            header = DkimCanonical.readHeader(in);
            BodyHashes hashes = new BodyHashes();
            BodyHash body = hashes.add(true);
            hashes.hash(in);
            bodyHash = body.digest();
        }
        List<String> signed = DkimCanonical.oversigned(header, SIGNED_HEADERS);
        SignatureRecordImpl record = new SignatureRecordImpl("v=1; a=" + algorithm.tag() + "; c=relaxed/relaxed; d=" + domain
                + "; s=" + selector + "; t=" + clock.instant().getEpochSecond() + "; h=" + String.join(":", signed)
                + "; bh=; b=;");
        record.setBodyHash(bodyHash);
        Signature signature = signer(algorithm, key);
        signature.update(DkimCanonical.signedHeader(DkimCanonical.select(header, signed),
                Field.of("DKIM-Signature:" + record.toUnsignedString()), true));
        record.setSignature(signature.sign());
        return fold("DKIM-Signature:" + record).getBytes(StandardCharsets.US_ASCII);
    }

    /** A {@link Signature} of the algorithm, ready to sign with the key. */
    static Signature signer(DkimAlgorithm algorithm, PrivateKey key) throws GeneralSecurityException {
        Signature signature = algorithm == DkimAlgorithm.ED25519_SHA256 ? new Ed25519OverSha256() : Signature.getInstance("SHA256withRSA");
        signature.initSign(key);
        return signature;
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
