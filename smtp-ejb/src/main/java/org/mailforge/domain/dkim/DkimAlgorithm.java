package org.mailforge.domain.dkim;

import java.util.Arrays;
import java.util.Optional;

/** The DKIM signing algorithms Mailforge offers: RSA (RFC 6376) and Ed25519 (RFC 8463). */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"),
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tag;
    private final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    /** The signature's {@code a=} value, as the API names it too. */
    public String tag() {
        return tag;
    }

    /** The key record's {@code k=} value. */
    public String keyType() {
        return keyType;
    }

    public static Optional<DkimAlgorithm> of(String tag) {
        return Arrays.stream(values()).filter(a -> a.tag.equals(tag)).findFirst();
    }
}
