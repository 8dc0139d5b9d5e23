package org.mailforge.smtp.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A TLSA record's content (RFC 6698 2.1): what it names and how, and whether a certificate is the
 * one it names. Used to verify an MX host's certificate (DANE, RFC 7672) and to check the records
 * a domain publishes for this server's own certificate.
 *
 * @param usage        0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector     0 the whole certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 exact, 1 SHA-256, 2 SHA-512
 * @param data         the certificate association data
 */
public record Tlsa(int usage, int selector, int matchingType, byte[] data) {

    public Tlsa {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The record for a certificate's key as SMTP servers publish it: {@code 3 1 1}, its SubjectPublicKeyInfo's SHA-256. */
    public static Tlsa daneEeKey(X509Certificate certificate) throws GeneralSecurityException {
        byte[] key = subjectPublicKeyInfo(certificate);
        if (key == null) {
            throw new GeneralSecurityException("the certificate's key cannot be read");
        }
        return new Tlsa(3, 1, 1, MessageDigest.getInstance("SHA-256").digest(key));
    }

    /**
     * Whether SMTP can use it (RFC 7672 3.1.3): DANE-TA or DANE-EE, a known selector, a known
     * matching type with a digest of its length.
     */
    public boolean usable() {
        boolean length = switch (matchingType) {
            case 0 -> data.length > 0;
            case 1 -> data.length == 32;
            case 2 -> data.length == 64;
            default -> false;
        };
        return (usage == 2 || usage == 3) && (selector == 0 || selector == 1) && length;
    }

    /** Whether the certificate is the one the record names (its whole encoding, or its key as the certificate carries it). */
    public boolean matches(X509Certificate certificate) {
        byte[] selected = selector == 0 ? encoded(certificate) : selector == 1 ? subjectPublicKeyInfo(certificate) : null;
        if (selected == null) {
            return false;
        }
        try {
            byte[] digest = switch (matchingType) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return digest != null && MessageDigest.isEqual(digest, data);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** {@code 3 1 1 0123...}, the data in upper-case hex, as zone files and reports give it. */
    public String presentation() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data).toUpperCase(Locale.ROOT);
    }

    /** The SubjectPublicKeyInfo as the certificate carries it (not as the JDK would encode the key again). */
    static byte[] subjectPublicKeyInfo(X509Certificate certificate) {
        byte[] der = encoded(certificate);
        try {
            return der == null ? null : org.bouncycastle.asn1.x509.Certificate.getInstance(der).getSubjectPublicKeyInfo().getEncoded();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tlsa that && usage == that.usage && selector == that.selector && matchingType == that.matchingType
                && java.util.Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(usage, selector, matchingType, java.util.Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return presentation();
    }
}
