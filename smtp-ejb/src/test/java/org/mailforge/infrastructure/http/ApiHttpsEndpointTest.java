package org.mailforge.infrastructure.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailforge.application.certificates.ServerCertificates;
import org.mailforge.application.config.ServerConfiguration;

/** The PEM pair becomes a key store and a Liberty drop-in; a renewed certificate replaces both. */
class ApiHttpsEndpointTest {

    @TempDir
    Path folder;

    private ApiHttpsEndpoint endpoint(Map<String, String> settings) {
        ApiHttpsEndpoint endpoint = new ApiHttpsEndpoint();
        endpoint.configuration = ServerConfiguration.load(name -> Optional.ofNullable(settings.get(name)));
        endpoint.certificates = new ServerCertificates(endpoint.configuration, null, null);
        endpoint.libertyConfigDir = Optional.of(folder.resolve("config").toString());
        endpoint.libertyOutputDir = Optional.of(folder.resolve("output").toString());
        return endpoint;
    }

    private X509Certificate writePair(String commonName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plus(Duration.ofDays(1))),
                name, pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        Files.writeString(folder.resolve("cert.pem"), pem(certificate));
        Files.writeString(folder.resolve("key.pem"), pem(pair));
        return certificate;
    }

    private static String pem(Object object) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    private Map<String, String> httpsOn(String port) {
        return Map.of("SMTP_API_HTTPS_PORT", port, "SMTP_TLS_CERT", folder.resolve("cert.pem").toString(),
                "SMTP_TLS_KEY", folder.resolve("key.pem").toString());
    }

    private Path dropIn() {
        return folder.resolve("config/configDropins/overrides/mailforge-api-https.xml");
    }

    /** Opens the key store the drop-in names with the password it gives, as Liberty does. */
    private X509Certificate served() throws Exception {
        String xml = Files.readString(dropIn());
        Matcher keyStore = Pattern.compile("location=\"([^\"]+)\" password=\"([^\"]+)\"").matcher(xml);
        assertTrue(keyStore.find(), xml);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keyStore.group(1)))) {
            store.load(in, keyStore.group(2).toCharArray());
        }
        assertTrue(store.isKeyEntry("server"));
        return (X509Certificate) store.getCertificate("server");
    }

    @Test
    void writesTheEndpointWithTheCertificateAndRenewsIt() throws Exception {
        X509Certificate first = writePair("first.example");
        ApiHttpsEndpoint endpoint = endpoint(httpsOn("8443"));
        endpoint.refresh();
        String xml = Files.readString(dropIn());
        assertTrue(xml.contains("httpsPort=\"8443\"") && xml.contains("id=\"apiHttpsEndpoint\""), xml);
        assertEquals(first, served());
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(dropIn()), "the drop-in holds the key store's password");

        endpoint.refresh(); // nothing changed: Liberty is not asked to reload anything
        assertEquals(xml, Files.readString(dropIn()));

        X509Certificate renewed = writePair("renewed.example");
        endpoint.refresh();
        assertNotEquals(xml, Files.readString(dropIn()));
        assertEquals(renewed, served());
    }

    @Test
    void withoutThePortTheEndpointIsRemoved() throws Exception {
        writePair("first.example");
        endpoint(httpsOn("8443")).refresh();
        assertTrue(Files.exists(dropIn()));
        endpoint(Map.of()).refresh();
        assertFalse(Files.exists(dropIn()));
        assertFalse(Files.exists(folder.resolve("output/resources/security/mailforge-api-https.p12")));
    }
}
