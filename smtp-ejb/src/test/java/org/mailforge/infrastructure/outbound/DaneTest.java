package org.mailforge.infrastructure.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TLSARecord;

/** Which TLSA records count (RFC 7672 3.1) and what a DANE-EE record matches; the delivery itself is OutboundTlsIT's. */
class DaneTest {

    private static TLSARecord record(int usage, int selector, int matching, byte[] data) throws Exception {
        return new TLSARecord(Name.fromString("_25._tcp.mx.example.test."), DClass.IN, 300, usage, selector, matching, data);
    }

    @Test
    void onlyDaneUsagesWithKnownParametersAndRightDigestLengthsAreUsable() throws Exception {
        assertTrue(Dane.usable(record(3, 1, 1, new byte[32])));
        assertTrue(Dane.usable(record(2, 0, 2, new byte[64])));
        assertTrue(Dane.usable(record(3, 0, 0, new byte[300])));
        assertFalse(Dane.usable(record(1, 1, 1, new byte[32])), "PKIX-EE is not used by SMTP");
        assertFalse(Dane.usable(record(0, 1, 1, new byte[32])), "PKIX-TA is not used by SMTP");
        assertFalse(Dane.usable(record(3, 1, 1, new byte[31])), "a SHA-256 digest of 31 octets");
        assertFalse(Dane.usable(record(3, 1, 2, new byte[32])), "a SHA-512 digest of 32 octets");
        assertFalse(Dane.usable(record(3, 2, 1, new byte[32])), "an unknown selector");
        assertFalse(Dane.usable(record(3, 1, 3, new byte[32])), "an unknown matching type");
    }

    /** DANE-EE matches the key or the whole certificate, whatever its names and dates; anything else is refused. */
    @Test
    void aDaneEeRecordMatchesTheServersKeyWithoutNameOrDateChecks() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X509Certificate expired = certificate(keys, "CN=not.the.mx.host", new Date(0), new Date(1000));
        byte[] spki = MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded());
        byte[] whole = MessageDigest.getInstance("SHA-512").digest(expired.getEncoded());
        Dane.Trust byKey = new Dane.Trust(List.of(record(3, 1, 1, spki)), "mx.example.test");
        byKey.checkServerTrusted(new X509Certificate[] {expired}, "ECDHE_ECDSA", (java.net.Socket) null);
        assertTrue(byKey.matched().startsWith("DANE-EE 3 1 1 "), byKey.matched());
        new Dane.Trust(List.of(record(3, 0, 2, whole)), "mx.example.test").checkServerTrusted(new X509Certificate[] {expired}, "ECDHE_ECDSA",
                (java.net.Socket) null);

        X509Certificate other = certificate(KeyPairGenerator.getInstance("EC").generateKeyPair(), "CN=other", new Date(0),
                new Date(System.currentTimeMillis() + 86_400_000L));
        CertificateException refused = assertThrows(CertificateException.class,
                () -> byKey.checkServerTrusted(new X509Certificate[] {other}, "ECDHE_ECDSA", (java.net.Socket) null));
        assertTrue(refused.getMessage().contains("matches none of its TLSA records"), refused.getMessage());
        assertThrows(CertificateException.class, () -> byKey.checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA",
                (java.net.Socket) null));
        assertEquals("3 1 1 " + java.util.HexFormat.of().formatHex(spki).toUpperCase(java.util.Locale.ROOT),
                Dane.presentation(record(3, 1, 1, spki)));
    }

    /** RFC 7672 3.2.3: the name exactly, or a wildcard that is the whole leftmost label and stands for exactly one. */
    @Test
    void aDaneTaCertificateNamesTheHostExactlyOrByAWholeLabelWildcard() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertTrue(Dane.Trust.names(named(keys, "mx.example.test"), "MX.example.test"));
        assertTrue(Dane.Trust.names(named(keys, "*.example.test"), "mx.example.test"));
        assertFalse(Dane.Trust.names(named(keys, "*.example.test"), "a.mx.example.test"), "a wildcard stands for one label");
        assertFalse(Dane.Trust.names(named(keys, "m*.example.test"), "mx.example.test"), "no partial wildcard");
        assertFalse(Dane.Trust.names(named(keys, "*.test"), "example.test"), "no wildcard over a single-label suffix");
        assertFalse(Dane.Trust.names(named(keys, "other.example.test"), "mx.example.test"));
    }

    private static X509Certificate named(KeyPair keys, String dnsName) throws Exception {
        X500Name name = new X500Name("CN=ignored.when.there.are.alternatives");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.TWO, new Date(0),
                new Date(System.currentTimeMillis() + 86_400_000L), name, keys.getPublic());
        builder.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(
                new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, dnsName)));
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(keys.getPrivate())));
    }

    private static X509Certificate certificate(KeyPair keys, String subject, Date from, Date to) throws Exception {
        X500Name name = new X500Name(subject);
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from, to, name,
                keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }
}
