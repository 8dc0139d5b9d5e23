package org.mailforge.infrastructure.dkim;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

/** Key pairs and the DNS records that publish them, for the DKIM and ARC tests. */
final class TestKeys {

    private TestKeys() {
    }

    /** A new key pair; {@code bits} 0 for algorithms without a size (Ed25519). */
    static KeyPair pair(String algorithm, int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (bits > 0) {
            generator.initialize(bits);
        }
        return generator.generateKeyPair();
    }

    static String rsaRecord(KeyPair pair) {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    static String ed25519Record(KeyPair pair) {
        return "v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw(pair));
    }

    /** The raw 32 octets of an Ed25519 public key (the end of its X.509 form). */
    static byte[] raw(KeyPair pair) {
        byte[] spki = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }
}
