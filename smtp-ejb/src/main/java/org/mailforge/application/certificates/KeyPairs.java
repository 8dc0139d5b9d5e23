package org.mailforge.application.certificates;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** The key pairs of ACME: the account's (EC P-256) and the certificate's (RSA 2048, which every SMTP client takes). */
final class KeyPairs {

    private KeyPairs() {
    }

    static KeyPair account() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    static KeyPair certificate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** The pair as PEM: the private key (PKCS#8) and the public key (X.509 SubjectPublicKeyInfo). */
    static String pem(KeyPair pair) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
            writer.writeObject(pair.getPublic());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a key pair", e);
        }
        return text.toString();
    }

    static KeyPair parse(String pem) throws GeneralSecurityException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey privateKey = null;
        PublicKey publicKey = null;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    privateKey = converter.getPrivateKey(info);
                } else if (object instanceof SubjectPublicKeyInfo info) {
                    publicKey = converter.getPublicKey(info);
                }
            }
        } catch (IOException e) {
            throw new GeneralSecurityException("unreadable key pair: " + e.getMessage(), e);
        }
        if (privateKey == null || publicKey == null) {
            throw new GeneralSecurityException("no key pair in the stored text");
        }
        return new KeyPair(publicKey, privateKey);
    }
}
