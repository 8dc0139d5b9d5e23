package org.mailforge.infrastructure.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import org.mailforge.application.common.KeySealing;
import org.mailforge.infrastructure.storage.MessageEncryption;

/**
 * Secrets at rest under {@code SMTP_STORAGE_ENCRYPTION_KEY} (AES-256-GCM, the format of encrypted
 * messages): stored as {@code sealed:<base64>}; without the key, as plain base64. A plain secret
 * stays readable after a key is set later; a sealed one needs the key it was sealed with.
 */
public final class StorageKeySealing implements KeySealing {

    private static final String SEALED = "sealed:";

    private final MessageEncryption encryption;

    /** @param encryption null when the server has no storage encryption key */
    public StorageKeySealing(MessageEncryption encryption) {
        this.encryption = encryption;
    }

    @Override
    public String seal(byte[] secret) {
        return encryption == null ? Base64.getEncoder().encodeToString(secret)
                : SEALED + Base64.getEncoder().encodeToString(encryption.encrypt(secret));
    }

    @Override
    public byte[] open(String stored) throws GeneralSecurityException {
        if (!stored.startsWith(SEALED)) {
            return Base64.getDecoder().decode(stored.getBytes(StandardCharsets.US_ASCII));
        }
        if (encryption == null) {
            throw new GeneralSecurityException("the key was sealed with SMTP_STORAGE_ENCRYPTION_KEY, which is not set");
        }
        return encryption.decrypt(Base64.getDecoder().decode(stored.substring(SEALED.length())));
    }
}
