package org.mailforge.infrastructure.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

import org.apache.james.jdkim.tagvalue.PublicKeyRecordImpl;
import org.mailforge.infrastructure.dns.DnsClient;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Signers' public keys from DNS (RFC 6376 3.6, RFC 8463 for Ed25519) and RFC 8301's bounds on RSA
 * keys: what DKIM verification and ARC chain validation share.
 */
final class DkimKeys {

    static final int MIN_RSA_BITS = 1024;
    static final int MAX_RSA_BITS = 8192;
    /** DER prefix of an X.509 SubjectPublicKeyInfo for a raw 32-octet Ed25519 key (RFC 8410). */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private DkimKeys() {
    }

    /**
     * The key record at {@code selector._domainkey.domain}: the first that parses; null when there is none.
     *
     * @throws DnsClient.DnsTimeoutException DNS did not answer by the deadline
     */
    static Record lookUp(DnsClient dns, String selector, String domain, Instant deadline) throws DnsClient.DnsTimeoutException {
        DnsClient.Answer answer = dns.query(selector + "._domainkey." + domain, Type.TXT, deadline);
        for (org.xbill.DNS.Record record : answer.records()) {
            if (record instanceof TXTRecord txt) {
                try {
                    Record key = new Record(String.join("", txt.getStrings()));
                    if (!key.revoked()) {
                        key.validate(); // a revoked key (empty p=) does not validate, and is an answer of its own
                    }
                    return key;
                } catch (IllegalStateException | IllegalArgumentException e) {
                    // not a key record: try the next
                }
            }
        }
        return null;
    }

    /** Why a key is not accepted (RFC 8301: RSA keys of 1024 to 8192 bits), or null when it is. */
    static String refusal(PublicKey key) {
        if (key instanceof RSAPublicKey rsa && (rsa.getModulus().bitLength() < MIN_RSA_BITS
                || rsa.getModulus().bitLength() > MAX_RSA_BITS)) {
            return "RSA key of " + rsa.getModulus().bitLength() + " bits";
        }
        return null;
    }

    /** jDKIM's key record, which also reads Ed25519 keys (RFC 8463: the raw 32-octet key in {@code p=}). */
    static final class Record extends PublicKeyRecordImpl {
        Record(String data) {
            super(data);
        }

        boolean revoked() {
            CharSequence p = getValue("p");
            return p == null || p.toString().isBlank();
        }

        /** @param keyType {@code rsa} or {@code ed25519}, as the signature's {@code a=} names it */
        PublicKey publicKey(String keyType) throws GeneralSecurityException {
            if (!keyType.equals("ed25519")) {
                return getPublicKey();
            }
            byte[] raw = Base64.getMimeDecoder().decode(getValue("p").toString());
            if (raw.length != 32) {
                throw new GeneralSecurityException("an Ed25519 key has 32 octets, not " + raw.length);
            }
            byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
            System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
            System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        }
    }
}
