package org.mailforge.infrastructure.dkim;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * RFC 8463's ed25519-sha256 as a {@link Signature} that jDKIM can feed, for signing and for
 * verifying: the canonical header octets go into SHA-256, and the digest is signed (or checked)
 * with the JDK's own Ed25519 (PureEdDSA).
 */
final class Ed25519OverSha256 extends Signature {

    private MessageDigest digest;
    private PrivateKey privateKey;
    private PublicKey publicKey;

    Ed25519OverSha256() {
        super("SHA256withEd25519");
    }

    @Override
    protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
        digest = sha256();
        privateKey = key;
        publicKey = null;
    }

    @Override
    protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
        digest = sha256();
        publicKey = key;
        privateKey = null;
    }

    private static MessageDigest sha256() throws InvalidKeyException {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("SHA-256 unavailable", e);
        }
    }

    @Override
    protected void engineUpdate(byte b) {
        digest.update(b);
    }

    @Override
    protected void engineUpdate(byte[] b, int off, int len) {
        digest.update(b, off, len);
    }

    @Override
    protected byte[] engineSign() throws SignatureException {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(privateKey);
            ed25519.update(digest.digest());
            return ed25519.sign();
        } catch (GeneralSecurityException e) {
            throw new SignatureException("Ed25519 signing failed", e);
        }
    }

    @Override
    protected boolean engineVerify(byte[] signature) throws SignatureException {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(publicKey);
            ed25519.update(digest.digest());
            return ed25519.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new SignatureException("Ed25519 verification failed", e);
        }
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {
        throw new InvalidParameterException("no parameters");
    }

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
        return null;
    }
}
