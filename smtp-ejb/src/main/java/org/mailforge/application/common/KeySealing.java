package org.mailforge.application.common;

import java.security.GeneralSecurityException;

/**
 * Keeps secrets the server stores in its database (DKIM private keys, the ACME account and certificate keys) encrypted at rest when the
 * server has an encryption key ({@code SMTP_STORAGE_ENCRYPTION_KEY}); infrastructure implements it.
 */
public interface KeySealing {

    /** The secret as stored: sealed with the server's key, or plain base64 when it has none. */
    String seal(byte[] secret);

    /**
     * The secret again.
     *
     * @throws GeneralSecurityException when it was sealed and the key is missing, wrong, or the text was altered
     */
    byte[] open(String stored) throws GeneralSecurityException;
}
