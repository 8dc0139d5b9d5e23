package org.mailforge.infrastructure.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.CipherOutputStream;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of stored messages. A file is self-describing:
 * <pre>
 *   "MAILFORGE-AES256GCM-1\n"   22-octet ASCII header, also the GCM additional data
 *   nonce                       12 random octets, new for every file
 *   ciphertext || tag           the message, then the 16-octet GCM tag
 * </pre>
 */
public final class MessageEncryption {

    static final byte[] HEADER = "MAILFORGE-AES256GCM-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    /** @param base64Key 32 octets, base64 (SMTP_STORAGE_ENCRYPTION_KEY) */
    public MessageEncryption(String base64Key) {
        byte[] raw = Base64.getDecoder().decode(base64Key.strip());
        if (raw.length != 32) {
            throw new IllegalArgumentException("SMTP_STORAGE_ENCRYPTION_KEY must be 32 octets in base64 (was " + raw.length + ")");
        }
        this.key = new SecretKeySpec(raw, "AES");
        Arrays.fill(raw, (byte) 0);
    }

    /** Wraps {@code out}: what is written to the result is stored encrypted; close it to write the tag. */
    OutputStream encrypting(OutputStream out) throws IOException {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(HEADER);
            out.write(HEADER);
            out.write(nonce);
            // closing the cipher stream writes the tag but must not close the file being written
            return new CipherOutputStream(new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            }, cipher);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-256-GCM unavailable", e);
        }
    }

    /** Encrypts a small secret whole, in the same format as a stored file. */
    public byte[] encrypt(byte[] plain) {
        java.io.ByteArrayOutputStream sealed = new java.io.ByteArrayOutputStream(plain.length + 64);
        try (OutputStream out = encrypting(sealed)) {
            out.write(plain);
        } catch (IOException e) {
            throw new IllegalStateException("AES-256-GCM unavailable", e);
        }
        return sealed.toByteArray();
    }

    /** Decrypts a whole stored file; fails if it was altered or the key is wrong. */
    public byte[] decrypt(byte[] file) throws GeneralSecurityException {
        if (file.length < HEADER.length + NONCE_BYTES + TAG_BITS / 8
                || !Arrays.equals(Arrays.copyOfRange(file, 0, HEADER.length), HEADER)) {
            throw new GeneralSecurityException("not a Mailforge encrypted message");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key,
                new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(file, HEADER.length, HEADER.length + NONCE_BYTES)));
        cipher.updateAAD(HEADER);
        return cipher.doFinal(file, HEADER.length + NONCE_BYTES, file.length - HEADER.length - NONCE_BYTES);
    }
}
