package org.mailforge.application.dkim;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.mailforge.application.common.KeySealing;
import org.mailforge.application.common.LogText;
import org.mailforge.application.common.MessageHeaders;
import org.mailforge.application.directory.MtaStsPublication;
import org.mailforge.application.directory.MailDirectory;
import org.mailforge.application.config.ServerConfiguration;
import org.mailforge.domain.dkim.DkimAlgorithm;
import org.mailforge.domain.dkim.DkimKey;
import org.mailforge.domain.dkim.DkimKeyRepository;
import org.mailforge.domain.user.UserValidation.InvalidFieldException;
import org.mailforge.smtp.spi.MessageContent;

/**
 * The DKIM keys of the local domains and the signing of mail that leaves: a domain's first key
 * signs at once; a later one is published first and activated when its DNS record is out, so a
 * rotation never signs with a selector receivers cannot find yet.
 */
@ApplicationScoped
public class DkimKeyService {

    private static final Logger LOG = Logger.getLogger(DkimKeyService.class.getName());
    /** A DNS label (RFC 6376 3.1 allows dotted selectors; one label is what every provider uses). */
    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final List<Integer> RSA_BITS = List.of(1024, 2048, 3072, 4096);

    @Inject
    DkimKeyRepository keys;

    @Inject
    KeySealing sealing;

    @Inject
    DkimSigning signing;

    @Inject
    ArcSealing arc;

    @Inject
    ServerConfiguration configuration;

    @Inject
    MtaStsPublication mtaSts;

    Clock clock = Clock.systemUTC();

    @Inject
    MailDirectory directory;

    /** The domain in canonical form (lower-case A-labels) when it is one of ours, else empty (the API answers 404). */
    public Optional<String> localDomain(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        try {
            String canonical = org.mailforge.smtp.spi.Domains.ascii(domain.strip());
            return directory.isLocal(canonical) ? Optional.of(canonical) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public List<DkimKey> list(String domain) {
        return keys.list(domain);
    }

    public Optional<DkimKey> find(String domain, String selector) {
        return keys.find(domain, selector);
    }

    /**
     * A new key pair for a local domain.
     *
     * @param algorithm {@code rsa-sha256} (default) or {@code ed25519-sha256}
     * @param bits      RSA only: 1024, 2048 (default), 3072 or 4096
     * @param active    whether it signs from now on; null: only when the domain has no active key
     * @throws InvalidFieldException naming the field that is wrong
     * @throws SelectorTakenException when the domain has a key under that selector
     */
    public DkimKey generate(String domain, String selector, String algorithm, Integer bits, Boolean active) {
        if (selector == null || !SELECTOR.matcher(selector).matches()) {
            throw new InvalidFieldException("selector", "selector must be a DNS label: 1-63 characters of a-z, 0-9 and '-'");
        }
        DkimAlgorithm kind = DkimAlgorithm.of(algorithm == null ? DkimAlgorithm.RSA_SHA256.tag() : algorithm).orElseThrow(
                () -> new InvalidFieldException("algorithm", "algorithm must be rsa-sha256 or ed25519-sha256"));
        if (kind == DkimAlgorithm.RSA_SHA256 && bits != null && !RSA_BITS.contains(bits)) {
            throw new InvalidFieldException("bits", "bits must be 1024, 2048, 3072 or 4096 for rsa-sha256");
        }
        if (kind == DkimAlgorithm.ED25519_SHA256 && bits != null && bits != 256) {
            throw new InvalidFieldException("bits", "an ed25519-sha256 key has 256 bits; leave bits out");
        }
        if (keys.find(domain, selector).isPresent()) { // before the key pair, which costs up to a second
            throw new SelectorTakenException(domain, selector);
        }
        KeyPair pair = generate(kind, bits == null ? 2048 : bits);
        DkimKey key = new DkimKey(domain, selector, kind, sealing.seal(pair.getPrivate().getEncoded()), publicKey(kind, pair),
                clock.instant());
        key.setActive(active != null ? active : keys.active(domain).isEmpty());
        DkimKey added = keys.add(key);
        LOG.info(() -> "DKIM key " + kind.tag() + " created for " + domain + " with selector " + selector
                + (added.isActive() ? " (active)" : " (publish its record, then activate it)"));
        return added;
    }

    /** Makes the key the one that signs the domain's mail. */
    public void activate(DkimKey key) {
        keys.activate(key);
        LOG.info(() -> "DKIM key " + key.getSelector() + " of " + key.getDomain() + " signs from now on");
    }

    /** Retires a key: its record may go from DNS once mail signed with it is old. */
    public void remove(DkimKey key) {
        keys.remove(key);
        LOG.info(() -> "DKIM key " + key.getSelector() + " of " + key.getDomain() + " removed"
                + (key.isActive() ? "; the domain's mail is unsigned until another key is activated" : ""));
    }

    /**
     * The message as it leaves: with a {@code DKIM-Signature:} on top when its From: domain has an
     * active key, else as it is. A key that cannot be used (its seal cannot be opened) is logged and
     * the message goes unsigned: mail keeps flowing.
     */
    public MessageContent signed(MessageContent content) {
        Optional<String> domain = MessageHeaders.fromDomain(content).flatMap(this::localDomain);
        if (domain.isEmpty()) {
            return content;
        }
        Optional<DkimKey> key = keys.active(domain.get());
        if (key.isEmpty()) {
            return content;
        }
        try {
            byte[] header = signing.sign(content, key.get().getDomain(), key.get().getSelector(), key.get().getAlgorithm(),
                    privateKey(key.get()));
            return MessageContent.prefixed(header, content);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.SEVERE, "DKIM key " + key.get().getSelector() + " of " + LogText.escape(domain.get())
                    + " cannot sign; the message leaves unsigned", e);
            return content;
        }
    }

    /**
     * A copy this server passes on for {@code domain} (an alias's copy to an outside address): with
     * an ARC set (RFC 8617) sealed by the domain's active key, carrying the results of the checks
     * made at receipt, so the next receiver sees them although forwarding broke SPF. Never a
     * DKIM signature as the message's author. As it is when the domain has no key, the checks were
     * off (nothing to attest), or the seal cannot be made (logged; the mail keeps flowing).
     *
     * @param results the checks' results at receipt; null when none were made
     */
    public MessageContent sealed(MessageContent content, String domain, org.mailforge.application.verification.AuthenticationResults results) {
        Optional<String> local = results == null ? Optional.empty() : localDomain(domain);
        Optional<DkimKey> key = local.flatMap(keys::active);
        if (key.isEmpty()) {
            return content;
        }
        try {
            byte[] set = arc.seal(content, configuration.listener().hostname(), results.results(), key.get().getDomain(), key.get().getSelector(),
                    key.get().getAlgorithm(), privateKey(key.get()), clock.instant().plusSeconds(6));
            return set.length == 0 ? content : MessageContent.prefixed(set, content);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "ARC set for a copy forwarded by " + LogText.escape(local.get())
                    + " not made; it leaves unsealed: " + LogText.escape(String.valueOf(e.getMessage())));
            return content;
        }
    }

    /**
     * What to publish in DNS for a local domain: the MX, each key's DKIM record, and suggested SPF
     * and DMARC records (start DMARC at p=none, read the reports, then tighten it).
     */
    public List<DnsRecord> dnsRecords(String domain) {
        List<DnsRecord> records = new ArrayList<>();
        String host = configuration.listener().hostname().toLowerCase(Locale.ROOT);
        records.add(new DnsRecord(domain, "MX", "10 " + host + ".", "mail for the domain comes to this server"));
        for (DkimKey key : keys.list(domain)) {
            records.add(new DnsRecord(key.dnsName(), "TXT", key.dnsRecord(),
                    "DKIM key " + key.getSelector() + (key.isActive() ? " (signing)" : " (not signing yet: publish, then activate)")));
        }
        records.add(new DnsRecord(domain, "TXT", "v=spf1 mx -all",
                "suggested SPF: the domain's MX hosts send its mail; add the relay host's addresses if SMTP_RELAY_HOST sends for it"));
        records.add(new DnsRecord("_dmarc." + domain, "TXT", "v=DMARC1; p=none; rua=mailto:postmaster@" + domain,
                "suggested DMARC: reports to postmaster; raise p= to quarantine, then reject, once they show all mail aligned"));
        records.add(new DnsRecord("mta-sts." + domain, "CNAME", host + ".",
                "MTA-STS policy host: HTTPS on port 443 with a certificate for this name, passed to this server's /.well-known/mta-sts.txt"));
        records.add(new DnsRecord("_mta-sts." + domain, "TXT", mtaSts.txtRecord(),
                "MTA-STS (RFC 8461): publish once https://mta-sts." + domain + "/.well-known/mta-sts.txt answers; the id changes with the policy"));
        records.add(new DnsRecord("_smtp._tls." + domain, "TXT", "v=TLSRPTv1; rua=mailto:postmaster@" + domain,
                "TLS-RPT (RFC 8460): senders' daily reports of TLS problems delivering here, to postmaster"));
        return records;
    }

    /** One record to publish. */
    public record DnsRecord(String name, String type, String value, String comment) {

        /** As a line of a zone file: long TXT values split into strings of at most 255 octets (RFC 1035). */
        public String zoneLine() {
            String data = type.equals("TXT") ? quoted(value) : value;
            return name + ". 3600 IN " + type + " " + data + " ; " + comment;
        }

        private static String quoted(String text) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < text.length(); i += 255) {
                parts.add("\"" + text.substring(i, Math.min(text.length(), i + 255)) + "\"");
            }
            return parts.size() == 1 ? parts.get(0) : "( " + String.join(" ", parts) + " )";
        }
    }

    private PrivateKey privateKey(DkimKey key) throws GeneralSecurityException {
        byte[] pkcs8 = sealing.open(key.getPrivateKey());
        try {
            return KeyFactory.getInstance(key.getAlgorithm() == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519")
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static KeyPair generate(DkimAlgorithm kind, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(kind == DkimAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519");
            if (kind == DkimAlgorithm.RSA_SHA256) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make " + kind.tag() + " keys", e);
        }
    }

    /**
     * The record's {@code p=}: for RSA the SubjectPublicKeyInfo (RFC 6376 3.6.1), for Ed25519 the
     * bare 32-octet key (RFC 8463 4.2), both in base64.
     */
    static String publicKey(DkimAlgorithm kind, KeyPair pair) {
        byte[] encoded = pair.getPublic().getEncoded();
        if (kind == DkimAlgorithm.ED25519_SHA256) {
            encoded = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length); // after the 12-octet X.509 prefix
        }
        return Base64.getEncoder().encodeToString(encoded);
    }
}
