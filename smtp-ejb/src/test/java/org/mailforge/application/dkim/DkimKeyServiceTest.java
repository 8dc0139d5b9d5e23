package org.mailforge.application.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.mailforge.application.directory.MtaStsPublication;
import org.mailforge.application.directory.InMemoryDirectory;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.domain.dkim.DkimKey;
import org.mailforge.domain.dkim.DkimKeyRepository;
import org.mailforge.domain.user.UserValidation.InvalidFieldException;
import org.mailforge.infrastructure.security.StorageKeySealing;
import org.mailforge.infrastructure.storage.MessageEncryption;
import org.mailforge.smtp.spi.MessageContent;

/** Keys per local domain, which one signs, and what leaves signed. */
class DkimKeyServiceTest {

    private final List<DkimKey> stored = new ArrayList<>();
    private final List<String> signedWith = new ArrayList<>();

    private final DkimKeyRepository repository = new DkimKeyRepository() {
        @Override
        public List<DkimKey> list(String domain) {
            return stored.stream().filter(k -> k.getDomain().equals(domain)).toList();
        }

        @Override
        public Optional<DkimKey> find(String domain, String selector) {
            return list(domain).stream().filter(k -> k.getSelector().equals(selector)).findFirst();
        }

        @Override
        public Optional<DkimKey> active(String domain) {
            return list(domain).stream().filter(DkimKey::isActive).findFirst();
        }

        @Override
        public DkimKey add(DkimKey key) {
            if (key.isActive()) {
                list(key.getDomain()).forEach(k -> k.setActive(false));
            }
            stored.add(key);
            return key;
        }

        @Override
        public void activate(DkimKey key) {
            list(key.getDomain()).forEach(k -> k.setActive(k == key));
        }

        @Override
        public void remove(DkimKey key) {
            stored.remove(key);
        }
    };

    private DkimKeyService service(String encryptionKey) {
        DkimKeyService service = new DkimKeyService();
        service.keys = repository;
        service.sealing = new StorageKeySealing(encryptionKey == null ? null : new MessageEncryption(encryptionKey));
        service.signing = (content, domain, selector, algorithm, key) -> {
            assertTrue(key instanceof PrivateKey && key.getAlgorithm().equals(algorithm == DkimAlgorithm.RSA_SHA256 ? "RSA" : "EdDSA"),
                    "the stored private key opens to the right kind: " + key.getAlgorithm());
            signedWith.add(selector + "@" + domain);
            return ("DKIM-Signature: s=" + selector + "\r\n").getBytes(StandardCharsets.US_ASCII);
        };
        service.configuration = ServerConfiguration.load(name -> Optional.ofNullable(Map.of(
                "SMTP_LOCAL_DOMAINS", "example.test,Mail.Example.Test", "SMTP_HOSTNAME", "mx.example.test").get(name)));
        service.directory = new MailDirectory(new InMemoryDirectory(), InMemoryDirectory.users(), service.configuration);
        service.mtaSts = new MtaStsPublication(service.configuration, service.directory);
        return service;
    }

    @Test
    void onlyLocalDomainsHaveKeys() {
        DkimKeyService service = service(null);
        assertEquals(Optional.of("mail.example.test"), service.localDomain(" MAIL.example.test "));
        assertEquals(Optional.of("mx.example.test"), service.localDomain("mx.example.test"), "the host name is local too");
        assertEquals(Optional.empty(), service.localDomain("example.org"));
    }

    @Test
    void theFirstKeySignsAtOnceALaterOneOnceActivated() throws Exception {
        DkimKeyService service = service(null);
        DkimKey first = service.generate("example.test", "mf2026", null, null, null);
        assertTrue(first.isActive());
        assertEquals(DkimAlgorithm.RSA_SHA256, first.getAlgorithm());
        DkimKey second = service.generate("example.test", "ed2026", "ed25519-sha256", null, null);
        assertFalse(second.isActive(), "published first, activated later");
        assertEquals(32, Base64.getDecoder().decode(second.getPublicKey()).length);

        assertEquals("DKIM-Signature: s=mf2026\r\nFrom: a@example.test\r\n\r\nx\r\n", text(service.signed(message("a@example.test"))));
        service.activate(second);
        assertFalse(first.isActive());
        service.signed(message("Someone <b@EXAMPLE.test>"));
        assertEquals(List.of("mf2026@example.test", "ed2026@example.test"), signedWith);
    }

    @Test
    void mailFromOtherDomainsOrWithoutAnActiveKeyLeavesAsItCame() throws Exception {
        DkimKeyService service = service(null);
        service.generate("example.test", "mf2026", null, 1024, null);
        MessageContent foreign = message("x@example.org");
        assertSame(foreign, service.signed(foreign));
        MessageContent keyless = message("x@mail.example.test");
        assertSame(keyless, service.signed(keyless));
        MessageContent twoFroms = MessageContent.of("From: a@example.test, b@example.test\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        assertSame(twoFroms, service.signed(twoFroms), "DMARC needs one author: no signature to argue about");
        assertEquals(List.of(), signedWith);
    }

    @Test
    void privateKeysAreSealedWithTheStorageKeyAndAKeyThatCannotOpenLeavesMailUnsigned() throws Exception {
        String storageKey = Base64.getEncoder().encodeToString(new byte[32]);
        DkimKeyService sealed = service(storageKey);
        DkimKey key = sealed.generate("example.test", "mf2026", "ed25519-sha256", null, true);
        assertTrue(key.getPrivateKey().startsWith("sealed:"), "encrypted at rest");
        sealed.signed(message("a@example.test"));
        assertEquals(List.of("mf2026@example.test"), signedWith);

        DkimKeyService withoutTheKey = service(null); // the same rows, SMTP_STORAGE_ENCRYPTION_KEY gone
        MessageContent mail = message("a@example.test");
        assertSame(mail, withoutTheKey.signed(mail), "logged, and the mail still leaves");
    }

    @Test
    void badRequestsNameTheirField() {
        DkimKeyService service = service(null);
        assertEquals("selector", assertThrows(InvalidFieldException.class,
                () -> service.generate("example.test", "Bad_Selector", null, null, null)).field());
        assertEquals("selector", assertThrows(InvalidFieldException.class,
                () -> service.generate("example.test", null, null, null, null)).field());
        assertEquals("algorithm", assertThrows(InvalidFieldException.class,
                () -> service.generate("example.test", "s1", "rsa-sha1", null, null)).field());
        assertEquals("bits", assertThrows(InvalidFieldException.class,
                () -> service.generate("example.test", "s1", null, 512, null)).field());
        assertEquals("bits", assertThrows(InvalidFieldException.class,
                () -> service.generate("example.test", "s1", "ed25519-sha256", 2048, null)).field());
        assertEquals(List.of(), stored);
        service.generate("example.test", "s1", null, 1024, null);
        assertThrows(SelectorTakenException.class, () -> service.generate("example.test", "s1", "ed25519-sha256", null, null));
        assertEquals(1, stored.size());
    }

    @Test
    void theZoneFileSplitsLongRecordsIntoStringsOf255() {
        DkimKeyService service = service(null);
        service.generate("example.test", "mf2026", null, 4096, null);
        List<DkimKeyService.DnsRecord> records = service.dnsRecords("example.test");
        assertEquals(List.of("MX", "TXT", "TXT", "TXT", "CNAME", "TXT", "TXT"), records.stream().map(DkimKeyService.DnsRecord::type).toList());
        assertEquals("mta-sts.example.test. 3600 IN CNAME mx.example.test. ; MTA-STS policy host: HTTPS on port 443 with a certificate"
                + " for this name, passed to this server's /.well-known/mta-sts.txt", records.get(4).zoneLine());
        assertTrue(records.get(5).value().matches("v=STSv1; id=[0-9a-f]{20}"), records.get(5).value());
        assertEquals("_smtp._tls.example.test", records.get(6).name());
        assertEquals("10 mx.example.test.", records.get(0).value());
        String line = records.get(1).zoneLine();
        assertTrue(line.startsWith("mf2026._domainkey.example.test. 3600 IN TXT ( \"v=DKIM1; k=rsa; p="), line);
        String joined = line.substring(line.indexOf('(') + 1, line.indexOf(')')).strip();
        for (String part : joined.split("\" \"")) {
            assertTrue(part.replace("\"", "").length() <= 255, part);
        }
        assertEquals(records.get(1).value(), joined.replace("\" \"", "").replace("\"", ""), "the strings join back to the record");
    }

    private static MessageContent message(String from) {
        return MessageContent.of(("From: " + from + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(MessageContent content) throws Exception {
        try (var in = content.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
